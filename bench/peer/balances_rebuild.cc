#include "bench/peer/balances_rebuild.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/load_runner.h"
#include "bench/peer/machine.h"
#include "bench/peer/pg_conn.h"
#include "bench/projection_bench_events.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "crm/v1/order_events.pb.h"
#include "engine/domain/event_codec.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "projections/balances/balances_keys.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/order_row.h"
#include "projections/projection_runner.h"

namespace crm::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kSeed = 20261204;
constexpr size_t kReadBatch = 2048;
constexpr char kMergedIntoType[] = "crm.v1.CustomerMergedInto";

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Calls `visit` for every event of the log in order.
template <typename Visit>
absl::Status ForEachLogEvent(const engine::EventStore& store, Visit visit) {
  engine::Position from = 0;
  for (;;) {
    absl::StatusOr<std::vector<engine::RecordedEvent>> batch =
        store.ReadAll(from, engine::Direction::kForward, kReadBatch);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) return absl::OkStatus();
    for (const engine::RecordedEvent& e : *batch) {
      if (absl::Status s = visit(e); !s.ok()) return s;
    }
    from = batch->back().position + 1;
  }
}

// The reference: the log folded by plain code that shares nothing with the
// projection or the SQL, so a wrong view fails whichever side it is on.
absl::StatusOr<BalanceTotals> FoldReference(const engine::EventStore& store) {
  struct Order {
    std::string customer;
    int64_t total = 0;
    int64_t paid = 0;
    bool cancelled = false;
  };
  absl::flat_hash_map<std::string, Order> orders;
  absl::flat_hash_map<std::string, std::string> merged_into;
  absl::Status s = ForEachLogEvent(store, [&](const engine::RecordedEvent& e) -> absl::Status {
    if (e.type == kMergedIntoType) {
      v1::CustomerMergedInto m;
      if (!m.ParseFromString(e.data)) return absl::DataLossError("reference: bad merge");
      merged_into[e.stream.substr(std::strlen("customer-"))] = m.survivor_customer_id();
      return absl::OkStatus();
    }
    if (!absl::StartsWith(e.stream, "order-")) return absl::OkStatus();
    v1::OrderEvent event;
    if (absl::Status d = engine::domain::DecodeEvent(e.type, e.data, event); !d.ok()) return d;
    Order& o = orders[e.stream];
    switch (event.event_case()) {
      case v1::OrderEvent::kPlaced:
        o.customer = event.placed().customer_id();
        o.total = event.placed().amount().minor_units();
        break;
      case v1::OrderEvent::kAmended:
        o.total = event.amended().amount().minor_units();
        break;
      case v1::OrderEvent::kPaymentRecorded:
        o.paid += event.payment_recorded().amount().minor_units();
        break;
      case v1::OrderEvent::kPaymentReversed:
        o.paid -= event.payment_reversed().amount().minor_units();
        break;
      case v1::OrderEvent::kCancelled:
        o.cancelled = true;
        break;
      default:
        break;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  BalanceTotals t;
  absl::flat_hash_set<std::string> customers;
  for (const auto& [stream, o] : orders) {
    std::string customer = o.customer;
    for (int hops = 0; hops < 1000; ++hops) {
      auto it = merged_into.find(customer);
      if (it == merged_into.end()) break;
      customer = it->second;
    }
    customers.insert(customer);
    ++t.orders;
    t.total += o.total;
    t.paid += o.paid;
    if (o.cancelled) {
      ++t.cancelled;
    } else {
      t.outstanding += o.total - o.paid;
    }
  }
  t.customers = customers.size();
  return t;
}

// fdatasync of every file under `path`, then of its folders: what makes a
// RocksDB database written without sync durable. Files RocksDB deletes
// meanwhile (compaction) need nothing.
absl::Status SyncTree(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> folders = {path};
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      folders.push_back(it->path().string());
      continue;
    }
    const int fd = open(it->path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      return absl::InternalError(absl::StrCat("open ", it->path().string(), ": ", strerror(errno)));
    }
    const int rc = fdatasync(fd);
    const int err = errno;
    close(fd);
    if (rc != 0) {
      return absl::InternalError(
          absl::StrCat("fdatasync ", it->path().string(), ": ", strerror(err)));
    }
  }
  if (ec) return absl::InternalError(absl::StrCat("listing ", path, ": ", ec.message()));
  for (const std::string& f : folders) {
    const int fd = open(f.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    const int rc = fsync(fd);
    const int err = errno;
    close(fd);
    if (rc != 0) return absl::InternalError(absl::StrCat("fsync ", f, ": ", strerror(err)));
  }
  return absl::OkStatus();
}

absl::StatusOr<BalanceTotals> EngineTotals(const projections::ProjectionRunner& runner) {
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> reader =
      runner.Reader(projections::balances::kBalancesProjectionName);
  if (!reader.ok()) return reader.status();
  BalanceTotals t;
  absl::flat_hash_set<std::string> customers;
  absl::Status bad;
  absl::Status s = (*reader)->Scan(
      projections::balances::keys::kOrderPrefix, [&](absl::string_view key, absl::string_view v) {
        absl::StatusOr<views::OrderRow> row = projections::balances::ParseOrderRow(v, key);
        if (!row.ok()) {
          bad = row.status();
          return false;
        }
        const engine::domain::OrderState state = projections::balances::ToOrderState(*row);
        customers.insert(row->customer_id());
        ++t.orders;
        t.total += state.amount;
        t.paid += state.Paid();
        if (row->cancelled()) {
          ++t.cancelled;
        } else {
          t.outstanding += state.Outstanding();
        }
        return true;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  t.customers = customers.size();
  return t;
}

// Message DB's table, with its indexes: by id, by stream and position, by
// category and global position.
constexpr char kMessagesSchema[] = R"sql(
DROP TABLE IF EXISTS order_balances;
DROP TABLE IF EXISTS messages;
CREATE TABLE messages (
  global_position bigserial PRIMARY KEY,
  id uuid NOT NULL,
  stream_name text NOT NULL,
  position bigint NOT NULL,
  type text NOT NULL,
  data jsonb,
  metadata jsonb,
  time timestamptz NOT NULL DEFAULT now()
);
)sql";

constexpr char kMessagesIndexes[] = R"sql(
CREATE UNIQUE INDEX messages_id ON messages (id);
CREATE UNIQUE INDEX messages_stream ON messages (stream_name, position);
CREATE INDEX messages_category ON messages (split_part(stream_name, '-', 1), global_position);
)sql";

// The rebuild as a PostgreSQL team would write it: one pass of set-based SQL
// over the order streams, grouped per stream. Amounts are proto3 JSON int64,
// i.e. strings, and a zero is omitted, hence the casts and coalesces. The
// amount is the last OrderPlaced or OrderAmended; paid is payments minus
// reversals. Merges are resolved to the end of their chain first.
constexpr char kRebuild[] = R"sql(
BEGIN;
SET LOCAL work_mem = '256MB';
CREATE TABLE order_balances (
  order_id text NOT NULL,
  customer_id text NOT NULL,
  rep_id text NOT NULL,
  currency_code text NOT NULL,
  total bigint NOT NULL,
  paid bigint NOT NULL,
  outstanding bigint NOT NULL,
  cancelled boolean NOT NULL
);
WITH RECURSIVE merged AS (
  SELECT substr(stream_name, length('customer-') + 1) AS duplicate,
         data->>'survivor_customer_id' AS survivor
  FROM messages
  WHERE type = 'crm.v1.CustomerMergedInto'
), chain AS (
  SELECT duplicate, survivor, 1 AS hops FROM merged
  UNION ALL
  SELECT c.duplicate, m.survivor, c.hops + 1
  FROM chain c JOIN merged m ON m.duplicate = c.survivor
  WHERE c.hops < 1000
), alias AS (
  SELECT DISTINCT ON (duplicate) duplicate, survivor FROM chain ORDER BY duplicate, hops DESC
), orders AS (
  SELECT
    substr(stream_name, length('order-') + 1) AS order_id,
    max(data->>'customer_id') FILTER (WHERE type = 'crm.v1.OrderPlaced') AS customer_id,
    max(data->>'rep_id') FILTER (WHERE type = 'crm.v1.OrderPlaced') AS rep_id,
    max(data->>'currency_code') FILTER (WHERE type = 'crm.v1.OrderPlaced') AS currency_code,
    (array_agg(coalesce((data->'amount'->>'minor_units')::bigint, 0) ORDER BY position DESC)
       FILTER (WHERE type IN ('crm.v1.OrderPlaced', 'crm.v1.OrderAmended')))[1] AS total,
    coalesce(sum((data->'amount'->>'minor_units')::bigint)
               FILTER (WHERE type = 'crm.v1.PaymentRecorded'), 0)
      - coalesce(sum((data->'amount'->>'minor_units')::bigint)
                   FILTER (WHERE type = 'crm.v1.PaymentReversed'), 0) AS paid,
    bool_or(type = 'crm.v1.OrderCancelled') AS cancelled
  FROM messages
  WHERE stream_name LIKE 'order-%'
  GROUP BY stream_name
)
INSERT INTO order_balances
SELECT o.order_id, coalesce(a.survivor, o.customer_id), o.rep_id, o.currency_code,
       o.total, o.paid, o.total - o.paid, o.cancelled
FROM orders o LEFT JOIN alias a ON a.duplicate = o.customer_id;
ALTER TABLE order_balances ADD PRIMARY KEY (order_id);
CREATE INDEX order_balances_customer ON order_balances (customer_id);
CREATE INDEX order_balances_rep ON order_balances (rep_id);
COMMIT;
)sql";

constexpr char kTotals[] =
    "SELECT count(*), count(*) FILTER (WHERE cancelled), count(DISTINCT customer_id), "
    "coalesce(sum(total), 0), coalesce(sum(paid), 0), "
    "coalesce(sum(outstanding) FILTER (WHERE NOT cancelled), 0) FROM order_balances";

// COPY text format: backslash, tab, newline and carriage return escaped.
void AppendCopyField(std::string& out, absl::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

// The JSON form of a stored protobuf event, found by its type name.
class JsonEncoder {
 public:
  absl::StatusOr<std::string> Encode(absl::string_view type, absl::string_view bytes) {
    auto it = prototypes_.find(type);
    if (it == prototypes_.end()) {
      const google::protobuf::Descriptor* d =
          google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
              std::string(type));
      if (d == nullptr) return absl::NotFoundError(absl::StrCat("no message type ", type));
      const google::protobuf::Message* proto =
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
      if (proto == nullptr) return absl::NotFoundError(absl::StrCat("no prototype of ", type));
      it = prototypes_.emplace(std::string(type), proto->New()).first;
    }
    return ToJson(*it->second, bytes);
  }

  absl::StatusOr<std::string> Metadata(absl::string_view bytes) { return ToJson(metadata_, bytes); }

 private:
  absl::StatusOr<std::string> ToJson(google::protobuf::Message& m, absl::string_view bytes) {
    if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError(absl::StrCat(m.GetTypeName(), " does not parse"));
    }
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(m, &json, options).ok()) {
      return absl::InternalError(absl::StrCat(m.GetTypeName(), " has no JSON form"));
    }
    return json;
  }

  absl::flat_hash_map<std::string, std::unique_ptr<google::protobuf::Message>> prototypes_;
  v1::EventMetadata metadata_;
};

absl::Status CopyMessages(PgConn& conn, const engine::EventStore& store) {
  PgResult start(PQexec(conn.raw(),
                        "COPY messages (id, stream_name, position, type, data, metadata) "
                        "FROM STDIN"));
  if (start == nullptr || PQresultStatus(start.get()) != PGRES_COPY_IN) {
    return absl::InternalError(absl::StrCat("COPY: ", PQerrorMessage(conn.raw())));
  }
  std::string buf;
  auto flush = [&]() -> absl::Status {
    if (PQputCopyData(conn.raw(), buf.data(), static_cast<int>(buf.size())) != 1) {
      return absl::InternalError(absl::StrCat("COPY data: ", PQerrorMessage(conn.raw())));
    }
    buf.clear();
    return absl::OkStatus();
  };
  JsonEncoder json;
  absl::Status s = ForEachLogEvent(store, [&](const engine::RecordedEvent& e) -> absl::Status {
    absl::StatusOr<std::string> data = json.Encode(e.type, e.data);
    if (!data.ok()) return data.status();
    absl::StatusOr<std::string> metadata = json.Metadata(e.metadata);
    if (!metadata.ok()) return metadata.status();
    absl::StrAppend(&buf, e.id.ToString(), "\t");
    AppendCopyField(buf, e.stream);
    absl::StrAppend(&buf, "\t", e.revision, "\t");
    AppendCopyField(buf, e.type);
    buf += '\t';
    AppendCopyField(buf, *data);
    buf += '\t';
    AppendCopyField(buf, *metadata);
    buf += '\n';
    return buf.size() > (1 << 20) ? flush() : absl::OkStatus();
  });
  if (s.ok() && !buf.empty()) s = flush();
  if (PQputCopyEnd(conn.raw(), s.ok() ? nullptr : "load failed") != 1) {
    return absl::InternalError(absl::StrCat("COPY end: ", PQerrorMessage(conn.raw())));
  }
  PgResult end(PQgetResult(conn.raw()));
  while (PGresult* extra = PQgetResult(conn.raw())) PQclear(extra);
  if (!s.ok()) return s;
  if (end == nullptr || PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
    return absl::InternalError(absl::StrCat("COPY: ", PQerrorMessage(conn.raw())));
  }
  return absl::OkStatus();
}

absl::StatusOr<BalanceTotals> PgTotals(PgConn& conn) {
  absl::StatusOr<PgResult> r = conn.Query(kTotals);
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) != 1 || PQnfields(r->get()) != 6) {
    return absl::InternalError("order_balances totals: unexpected result shape");
  }
  int64_t v[6];
  for (int i = 0; i < 6; ++i) {
    if (!absl::SimpleAtoi(PQgetvalue(r->get(), 0, i), &v[i])) {
      return absl::InternalError(
          absl::StrCat("order_balances totals: not an integer: ", PQgetvalue(r->get(), 0, i)));
    }
  }
  BalanceTotals t;
  t.orders = static_cast<uint64_t>(v[0]);
  t.cancelled = static_cast<uint64_t>(v[1]);
  t.customers = static_cast<uint64_t>(v[2]);
  t.total = v[3];
  t.paid = v[4];
  t.outstanding = v[5];
  return t;
}

// CPU of this process (and of the server's user) and of the machine, read at
// both edges of a build.
struct CpuMark {
  double system = 0, machine = 0;
  static CpuMark Now(int64_t server_uid) {
    return {ProcessCpuSeconds() +
                (server_uid >= 0 ? UidCpuSeconds(static_cast<uid_t>(server_uid)) : 0.0),
            MachineBusySeconds()};
  }
};

void Charge(const CpuMark& from, const CpuMark& to, RebuildSample& sample) {
  sample.cpu_seconds = to.system - from.system;
  sample.other_cpu_seconds = std::max(0.0, to.machine - from.machine - sample.cpu_seconds);
}

}  // namespace

std::string BalanceTotals::ToString() const {
  return absl::StrFormat(
      "orders %d (cancelled %d), customers %d, total %d, paid %d, outstanding %d", orders,
      cancelled, customers, total, paid, outstanding);
}

BalancesBench::~BalancesBench() = default;

absl::StatusOr<std::unique_ptr<BalancesBench>> BalancesBench::Open(const std::string& path,
                                                                   uint64_t orders) {
  std::unique_ptr<BalancesBench> b(new BalancesBench());
  engine::StoreOptions options;
  options.path = path;
  options.sync_writes = false;
  {
    absl::StatusOr<std::unique_ptr<engine::EventStore>> store = engine::EventStore::Open(options);
    if (!store.ok()) return store.status();
    const Clock::time_point start = Clock::now();
    // No follow-ups: the log is the order and payment history, plus the
    // customers it belongs to and their merges.
    absl::StatusOr<GeneratedLog> log = GenerateLog(store->get(), 0, orders, kSeed);
    if (!log.ok()) return log.status();
    b->load_seconds_ = SecondsSince(start);
    b->events_ = log->events;
    b->last_position_ = log->last_position;
  }
  options.sync_writes = true;
  absl::StatusOr<std::unique_ptr<engine::EventStore>> store = engine::EventStore::Open(options);
  if (!store.ok()) return store.status();
  b->store_ = std::move(*store);
  absl::StatusOr<BalanceTotals> reference = FoldReference(*b->store_);
  if (!reference.ok()) return reference.status();
  b->reference_ = *reference;
  return b;
}

absl::StatusOr<double> BalancesBench::LoadPostgres(const std::string& conninfo) {
  absl::StatusOr<std::unique_ptr<PgConn>> conn = PgConn::Connect(conninfo);
  if (!conn.ok()) return conn.status();
  PgConn& c = **conn;
  const Clock::time_point start = Clock::now();
  if (absl::Status s = c.Exec(kMessagesSchema); !s.ok()) return s;
  if (absl::Status s = CopyMessages(c, *store_); !s.ok()) return s;
  if (absl::Status s = c.Exec(kMessagesIndexes); !s.ok()) return s;
  // As in the read rows: what autovacuum would have done by the time a view
  // is rebuilt, then everything written out.
  if (absl::Status s = c.Exec("VACUUM ANALYZE messages"); !s.ok()) return s;
  if (absl::Status s = c.Exec("CHECKPOINT"); !s.ok()) return s;
  const double seconds = SecondsSince(start);
  absl::StatusOr<std::string> count = c.QueryValue("SELECT count(*) FROM messages");
  if (!count.ok()) return count.status();
  if (*count != absl::StrCat(events_)) {
    return absl::DataLossError(
        absl::StrCat("messages holds ", *count, " events, the log ", events_));
  }
  pg_ = std::move(*conn);
  return seconds;
}

absl::StatusOr<RebuildSample> BalancesBench::RebuildEngine(const std::string& views_path) {
  RebuildSample sample;
  sample.events = events_;
  std::vector<std::unique_ptr<projections::Projection>> balances;
  balances.push_back(std::make_unique<projections::balances::BalancesProjection>());
  projections::RunnerOptions options;
  options.path = views_path;

  const CpuMark cpu0 = CpuMark::Now(-1);
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::unique_ptr<projections::ProjectionRunner>> runner =
      projections::ProjectionRunner::Open(store_.get(), std::move(balances), options);
  if (!runner.ok()) return runner.status();
  if (absl::Status s = (*runner)->WaitFor(projections::balances::kBalancesProjectionName,
                                          last_position_, absl::Now() + absl::Hours(1));
      !s.ok()) {
    return s;
  }
  const Clock::time_point applied = Clock::now();
  if (absl::Status s = SyncTree(views_path); !s.ok()) return s;
  sample.seconds = SecondsSince(start);
  sample.sync_seconds = SecondsSince(applied);
  Charge(cpu0, CpuMark::Now(-1), sample);

  absl::StatusOr<BalanceTotals> totals = EngineTotals(**runner);
  if (!totals.ok()) return totals.status();
  sample.totals = *totals;
  return sample;
}

absl::StatusOr<RebuildSample> BalancesBench::RebuildPostgres(int64_t server_uid) {
  if (pg_ == nullptr) return absl::FailedPreconditionError("LoadPostgres first");
  RebuildSample sample;
  sample.events = events_;
  // The previous build's drop is written out before the clock starts, as a
  // fresh folder is for the engine.
  if (absl::Status s = pg_->Exec("DROP TABLE IF EXISTS order_balances"); !s.ok()) return s;
  if (absl::Status s = pg_->Exec("CHECKPOINT"); !s.ok()) return s;

  const CpuMark cpu0 = CpuMark::Now(server_uid);
  const Clock::time_point start = Clock::now();
  if (absl::Status s = pg_->Exec(kRebuild); !s.ok()) {
    // Leave the connection usable for the next repetition.
    (void)pg_->Exec("ROLLBACK");
    return s;
  }
  sample.seconds = SecondsSince(start);
  Charge(cpu0, CpuMark::Now(server_uid), sample);

  absl::StatusOr<BalanceTotals> totals = PgTotals(*pg_);
  if (!totals.ok()) return totals.status();
  sample.totals = *totals;
  return sample;
}

}  // namespace crm::bench
