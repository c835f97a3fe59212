import { useApiQuery } from "../api/hooks";
import { sessionDescriptor as d } from "../resources/descriptors";
import { PageHeader, ResourceTable } from "../resources/resource-list";

export function SessionsPage() {
  const list = useApiQuery("listSessions", {});
  const rows = [...(list.data?.items ?? [])].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt));
  return (
    <section>
      <PageHeader title={d.title} description={d.description} />
      <ResourceTable descriptor={d} rows={rows} state={list} />
    </section>
  );
}
