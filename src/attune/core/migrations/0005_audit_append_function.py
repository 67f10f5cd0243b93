"""PostgreSQL: the audit trail is written only through two functions owned by the migrating (owner) role.

- `attune_audit_head(shard)` creates the chain's head if it is new, locks it (FOR UPDATE, until the caller's
  transaction ends) and returns its position and last value;
- `attune_audit_append(shard, after, previous, events)` inserts the events (a JSON array, each with its chain
  value computed by the application, which alone holds the audit key) at positions after+1, after+2, ... and
  moves the head to the last of them, in one call, returning the new rows' ids. It refuses (returns NULL, writes nothing) unless the head
  is still at `after` with value `previous`, so a writer that read a head another transaction has since moved
  cannot fork the chain.

Both are SECURITY DEFINER with a fixed search_path, and only roles granted EXECUTE may call them
(`attune grant_app_role ROLE` grants the application's runtime role EXECUTE on them and SELECT on the two audit
tables, never INSERT, UPDATE, DELETE or TRUNCATE). The owner role runs migrations; the application role runs the
server and the workers. SQLite keeps writing through the ORM (anyone who can write the file can do anything).
"""

from django.db import migrations

COLUMNS = (
    "recorded timestamptz, action varchar, outcome smallint, agent_id bigint, agent_role varchar, "
    "agent_network varchar, entity_type varchar, entity_id varchar, client_id uuid, purpose varchar, "
    "reason varchar, chain varchar, seq bigint"
)
NAMES = ", ".join(column.split()[0] for column in COLUMNS.split(", "))

HEAD = """
CREATE OR REPLACE FUNCTION attune_audit_head(p_shard integer, OUT last_id bigint, OUT last_chain varchar)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF p_shard IS NULL OR p_shard < 1 OR p_shard > 32767 THEN
        RAISE EXCEPTION 'no audit chain %', p_shard;
    END IF;
    SELECT h.last_id, h.last_chain INTO last_id, last_chain FROM core_audithead h WHERE h.id = p_shard FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO core_audithead (id, last_id, last_chain) VALUES (p_shard, 0, '') ON CONFLICT (id) DO NOTHING;
        SELECT h.last_id, h.last_chain INTO last_id, last_chain
            FROM core_audithead h WHERE h.id = p_shard FOR UPDATE;
    END IF;
END;
$$
"""

APPEND = """
CREATE OR REPLACE FUNCTION attune_audit_append(p_shard integer, p_after bigint, p_previous varchar, p_events jsonb)
RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    head_id bigint;
    head_chain varchar;
    added bigint;
    newest varchar;
    ids bigint[];
BEGIN
    SELECT h.last_id, h.last_chain INTO head_id, head_chain FROM core_audithead h WHERE h.id = p_shard FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'audit chain % has no head (call attune_audit_head first)', p_shard;
    END IF;
    IF head_id <> p_after OR head_chain <> p_previous THEN
        RETURN NULL;  -- the head moved since this writer read it: nothing written
    END IF;
    IF jsonb_typeof(p_events) <> 'array' OR jsonb_array_length(p_events) = 0 THEN
        RAISE EXCEPTION 'no audit events to append';
    END IF;
    IF EXISTS (
        SELECT 1 FROM ROWS FROM (jsonb_to_recordset(p_events) AS ({columns})) WITH ORDINALITY AS e({names}, n)
        WHERE e.seq IS DISTINCT FROM p_after + e.n OR e.chain IS NULL OR length(e.chain) <> 64
    ) THEN
        RAISE EXCEPTION 'audit events must follow position % in order, each with its chain value', p_after;
    END IF;
    WITH added_rows AS (
        INSERT INTO core_auditevent (recorded, action, outcome, agent_id, agent_role, agent_network, entity_type,
                                     entity_id, client_id, purpose, reason, chain, shard, seq)
            SELECT e.recorded, e.action, e.outcome, e.agent_id, e.agent_role, e.agent_network, e.entity_type,
                   e.entity_id, e.client_id, e.purpose, e.reason, e.chain, p_shard, e.seq
            FROM ROWS FROM (jsonb_to_recordset(p_events) AS ({columns})) WITH ORDINALITY AS e({names}, n) ORDER BY e.n
            RETURNING id, seq
    )
    SELECT array_agg(a.id ORDER BY a.seq) INTO ids FROM added_rows a;
    added := jsonb_array_length(p_events);
    newest := p_events -> (added::integer - 1) ->> 'chain';
    UPDATE core_audithead SET last_id = p_after + added, last_chain = newest WHERE id = p_shard;
    RETURN ids;
END;
$$
"""

PG_DOWN = [
    "DROP FUNCTION IF EXISTS attune_audit_append(integer, bigint, varchar, jsonb)",
    "DROP FUNCTION IF EXISTS attune_audit_head(integer)",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
        # No parameters: the bodies hold '%' (RAISE's placeholders), which a parameterised execute would take.
        cursor.execute(HEAD.format(schema=schema))
        cursor.execute(APPEND.format(schema=schema, columns=COLUMNS, names=NAMES))
        for signature in ("attune_audit_head(integer)", "attune_audit_append(integer, bigint, varchar, jsonb)"):
            cursor.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_DOWN:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chains_per_practice")]
    operations = [migrations.RunPython(install, uninstall)]
