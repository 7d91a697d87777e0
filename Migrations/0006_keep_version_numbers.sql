-- 0006_keep_version_numbers: a NAME@N means the same bytes forever.
--
-- A version number was one more than the highest row left for the name, so after `loom rm adapter x`
-- the next `adapter add … --name x` was x@1 again, with other bytes, and anything that had recorded
-- x@1 now meant something else. version_high keeps the highest number ever given per kind and name;
-- the next version is one more than it (or than the rows, whichever is higher), and a removed
-- NAME@N is reported as removed rather than as never registered.
--
-- Filled from the rows left and from the base.add/adapter.add events (which also name versions that
-- were removed before this migration). Kept by triggers, so every writer of the rows keeps it.

CREATE TABLE version_high (
    kind     TEXT    NOT NULL CHECK (kind IN ('base', 'adapter')),
    name     TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    version  INTEGER NOT NULL CHECK (version >= 1),
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;

INSERT INTO version_high (kind, name, version)
SELECT kind, name, MAX(version) FROM (
    SELECT 'base' AS kind, name, version FROM base
    UNION ALL SELECT 'adapter', name, version FROM adapter
    UNION ALL
    SELECT CASE kind WHEN 'base.add' THEN 'base' ELSE 'adapter' END,
           json_extract(detail, '$.name'), json_extract(detail, '$.version')
        FROM event WHERE kind IN ('base.add', 'adapter.add') AND json_valid(detail)
)
WHERE typeof(name) = 'text' AND length(name) BETWEEN 1 AND 128 AND typeof(version) = 'integer' AND version >= 1
GROUP BY kind, name;

CREATE TRIGGER base_keeps_version_high AFTER INSERT ON base
BEGIN
    INSERT INTO version_high (kind, name, version) VALUES ('base', NEW.name, NEW.version)
        ON CONFLICT (kind, name) DO UPDATE SET version = max(version, excluded.version);
END;

CREATE TRIGGER adapter_keeps_version_high AFTER INSERT ON adapter
BEGIN
    INSERT INTO version_high (kind, name, version) VALUES ('adapter', NEW.name, NEW.version)
        ON CONFLICT (kind, name) DO UPDATE SET version = max(version, excluded.version);
END;
