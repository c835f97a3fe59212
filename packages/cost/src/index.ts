// FOCUS bill ingestion, validation and storage (issue 6). See docs/adr/ for the storage decision.
export {};
