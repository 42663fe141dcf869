#include "bench/peer/pg_schema.h"

namespace crm::bench {
namespace {

constexpr char kSchema[] = R"sql(
DROP TABLE IF EXISTS events;
CREATE TABLE events (
  global_position bigserial PRIMARY KEY,
  stream text NOT NULL,
  position bigint NOT NULL,
  type text NOT NULL,
  data bytea NOT NULL,
  metadata bytea,
  UNIQUE (stream, position)
);

CREATE OR REPLACE FUNCTION write_message(
  p_stream text, p_type text, p_data bytea, p_metadata bytea, p_expected_version bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_version bigint;
BEGIN
  -- Writers of one stream queue here, so the check below and the insert are
  -- one step; the unique constraint stays as the last guard.
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
  SELECT max(position) INTO v_version FROM events WHERE stream = p_stream;
  v_version := coalesce(v_version, -1);
  IF p_expected_version IS NOT NULL AND p_expected_version <> v_version THEN
    RAISE EXCEPTION 'Wrong expected version: % (stream: %, stream version: %)',
      p_expected_version, p_stream, v_version;
  END IF;
  INSERT INTO events (stream, position, type, data, metadata)
    VALUES (p_stream, v_version + 1, p_type, p_data, p_metadata);
  RETURN v_version + 1;
END;
$$;
)sql";

}  // namespace

absl::Status ResetEventTable(PgConn& conn) {
  if (absl::Status s = conn.Exec(kSchema); !s.ok()) return s;
  // Outside the schema's implicit transaction, so the drop's dirty pages are
  // written now rather than during the next row.
  return conn.Exec("CHECKPOINT");
}

absl::Status PrepareWriteMessage(PgConn& conn) {
  return conn.Prepare(kPgWriteMessage,
                      "SELECT write_message($1::text, $2::text, $3::bytea, $4::bytea, $5::bigint)",
                      5);
}

absl::Status PrepareReads(PgConn& conn) {
  // Message DB's get_stream_messages and a global-log page, both keyset
  // paginated on an index.
  if (absl::Status s =
          conn.Prepare(kPgReadStream,
                       "SELECT position, global_position, type, data, metadata "
                       "FROM events WHERE stream = $1::text AND position >= $2::bigint "
                       "ORDER BY position LIMIT $3::bigint",
                       3);
      !s.ok()) {
    return s;
  }
  return conn.Prepare(kPgReadAll,
                      "SELECT global_position, stream, position, type, data, metadata "
                      "FROM events WHERE global_position >= $1::bigint "
                      "ORDER BY global_position LIMIT $2::bigint",
                      2);
}

}  // namespace crm::bench
