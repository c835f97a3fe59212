-- List pages show counts; keeping them on the row avoids a correlated count per listed item.
ALTER TABLE projects ADD COLUMN environment_count integer NOT NULL DEFAULT 0;
UPDATE projects p SET environment_count = (SELECT count(*) FROM environments e WHERE e.project_id = p.id);
ALTER TABLE teams ADD COLUMN member_count integer NOT NULL DEFAULT 0;
UPDATE teams t SET member_count = (SELECT count(*) FROM team_members m WHERE m.team_id = t.id);

CREATE FUNCTION environments_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE projects SET environment_count = environment_count + 1 WHERE id = NEW.project_id;
  ELSE
    UPDATE projects SET environment_count = environment_count - 1 WHERE id = OLD.project_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER environments_count AFTER INSERT OR DELETE ON environments FOR EACH ROW EXECUTE FUNCTION environments_count();

CREATE FUNCTION team_members_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE teams SET member_count = member_count + 1 WHERE id = NEW.team_id;
  ELSE
    UPDATE teams SET member_count = member_count - 1 WHERE id = OLD.team_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER team_members_count AFTER INSERT OR DELETE ON team_members FOR EACH ROW EXECUTE FUNCTION team_members_count();
