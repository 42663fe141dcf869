#include "bench/projection_bench_events.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "crm/v1/order_events.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/event_codec.h"
#include "engine/domain/money.h"

namespace crm::bench {
namespace {

using engine::ProposedEvent;
using engine::StreamAppend;
using engine::domain::MakeMoney;
using engine::domain::ToDate;

constexpr int kReps = 40;
// Events and streams handed to the store per Append call (the store allows
// 64 streams per call).
constexpr size_t kEventsPerAppend = 2000;
constexpr size_t kStreamsPerAppend = 64;
const absl::CivilDay kFirstDay(2025, 1, 1);

int64_t UsOf(absl::CivilDay day) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 10, 0, 0),
                      engine::domain::DefaultBusinessTimeZone()));
}

class Appender {
 public:
  explicit Appender(engine::EventStore* store) : store_(store) {}

  // Queues the events of one stream; appends when enough are queued.
  absl::Status Add(std::string stream,
                   std::vector<std::pair<const google::protobuf::Message*, int64_t>> envelopes) {
    StreamAppend a;
    a.stream = std::move(stream);
    for (const auto& [envelope, now_us] : envelopes) {
      absl::StatusOr<engine::domain::EncodedEvent> encoded = engine::domain::EncodeEvent(*envelope);
      if (!encoded.ok()) return encoded.status();
      v1::EventMetadata metadata;
      metadata.set_actor("bench");
      metadata.set_request_id(absl::StrCat("b", count_));
      metadata.set_recorded_us(now_us);
      ProposedEvent e;
      e.id = engine::EventId::Random();
      e.type = std::move(encoded->type);
      e.data = std::move(encoded->data);
      e.metadata = metadata.SerializeAsString();
      a.events.push_back(std::move(e));
      ++count_;
      ++queued_;
    }
    request_.push_back(std::move(a));
    return queued_ >= kEventsPerAppend || request_.size() >= kStreamsPerAppend ? Flush()
                                                                               : absl::OkStatus();
  }

  absl::Status Flush() {
    if (request_.empty()) return absl::OkStatus();
    absl::StatusOr<engine::AppendResult> r = store_->Append(std::move(request_));
    request_.clear();
    queued_ = 0;
    if (!r.ok()) return r.status();
    last_ = r->last_position;
    return absl::OkStatus();
  }

  uint64_t count() const { return count_; }
  engine::Position last() const { return last_; }

 private:
  engine::EventStore* store_;
  std::vector<StreamAppend> request_;
  size_t queued_ = 0;
  uint64_t count_ = 0;
  engine::Position last_ = 0;
};

std::string Rep(int i) { return absl::StrCat("rep", i % kReps); }

}  // namespace

absl::StatusOr<GeneratedLog> GenerateLog(engine::EventStore* store, uint64_t events,
                                         uint64_t orders, uint64_t seed,
                                         uint64_t hot_rep_customers) {
  std::mt19937_64 rng(seed);
  auto pick = [&](uint64_t n) { return rng() % n; };
  Appender out(store);
  GeneratedLog log;
  log.orders = orders;
  log.customers = std::max<uint64_t>(orders / 5, 1);
  const uint64_t merges = log.customers / 100;
  // An order writes about 4.1 events (see below); follow-ups fill the rest.
  const uint64_t order_events = orders * 41 / 10;
  const uint64_t fixed = order_events + log.customers + merges;
  const uint64_t follow_ups_each = events > fixed ? (events - fixed) / log.customers : 0;

  for (uint64_t c = 0; c < log.customers; ++c) {
    const absl::CivilDay registered = kFirstDay + static_cast<int>(pick(300));
    std::vector<v1::CustomerEvent> stream(1 + follow_ups_each);
    v1::CustomerRegistered* r = stream[0].mutable_registered();
    r->set_customer_id(absl::StrCat("c", c));
    r->set_kind(v1::CUSTOMER_KIND_COMPANY);
    r->mutable_profile()->set_company_name(absl::StrCat("客户公司", c));
    const std::string owner = c < hot_rep_customers ? kHotRep : Rep(static_cast<int>(c));
    r->set_owner_rep_id(owner);
    r->set_registered_us(UsOf(registered));
    std::vector<std::pair<const google::protobuf::Message*, int64_t>> envelopes = {
        {&stream[0], UsOf(registered)}};
    for (uint64_t f = 1; f <= follow_ups_each; ++f) {
      v1::FollowUpLogged* e = stream[f].mutable_follow_up_logged();
      const absl::CivilDay day = registered + static_cast<int>(3 * f + pick(3));
      const int64_t at = UsOf(day);
      e->set_follow_up_id(absl::StrCat("f", f));
      e->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
      e->set_occurred_us(at);
      e->set_rep_id(owner);
      e->set_intent(static_cast<v1::Intent>(2 + pick(4)));
      e->set_notes("客户需要考虑，下周再联系");
      *e->mutable_next_follow_up_date() = ToDate(day + 7);
      envelopes.push_back({&stream[f], at});
    }
    absl::Status s = out.Add(absl::StrCat("customer-c", c), std::move(envelopes));
    if (!s.ok()) return s;
  }

  for (uint64_t o = 0; o < orders; ++o) {
    const std::string currency = pick(20) == 0 ? "USD" : "CNY";
    const absl::CivilDay signed_on = kFirstDay + static_cast<int>(pick(420));
    const int64_t unit = 1000 * static_cast<int64_t>(1 + pick(2000));
    const int64_t qty = static_cast<int64_t>(1 + pick(3));
    const int64_t amount = unit * qty;
    std::vector<v1::OrderEvent> stream;
    stream.reserve(8);
    v1::OrderEvent placed;
    v1::OrderPlaced* p = placed.mutable_placed();
    p->set_order_id(absl::StrCat("o", o));
    p->set_contract_number(absl::StrCat("HT-", o));
    p->set_customer_id(absl::StrCat("c", pick(log.customers)));
    p->set_rep_id(Rep(static_cast<int>(pick(kReps))));
    p->set_currency_code(currency);
    v1::OrderLine* line = p->add_lines();
    line->set_product_id("p1");
    line->set_product_name("企业版CRM年费");
    line->set_quantity(qty);
    *line->mutable_unit_price() = MakeMoney(currency, unit);
    *line->mutable_amount() = MakeMoney(currency, amount);
    *p->mutable_amount() = MakeMoney(currency, amount);
    const int64_t first = amount / 2;
    for (int k = 1; k <= 2; ++k) {
      v1::Instalment* i = p->add_plan();
      i->set_number(k);
      *i->mutable_amount() = MakeMoney(currency, k == 1 ? first : amount - first);
      *i->mutable_due_date() = ToDate(signed_on + 30 * k);
    }
    *p->mutable_signed_on() = ToDate(signed_on);
    stream.push_back(placed);
    const uint64_t fate = pick(100);
    if (fate < 3) {  // cancelled before any payment
      stream.emplace_back().mutable_approved()->set_approver("mgr");
      stream.emplace_back().mutable_cancelled()->set_reason("withdrawn");
    } else {
      stream.emplace_back().mutable_approved()->set_approver("mgr");
      // Two payments, the first tied to instalment 1.
      for (int k = 1; k <= 2; ++k) {
        v1::PaymentRecorded* pay = stream.emplace_back().mutable_payment_recorded();
        pay->set_payment_id(absl::StrCat("p", k));
        pay->set_instalment_number(k == 1 ? 1 : 0);
        *pay->mutable_amount() =
            MakeMoney(currency, k == 1 ? first : 1 + static_cast<int64_t>(pick(amount - first)));
        *pay->mutable_paid_on() = ToDate(signed_on + static_cast<int>(20 + pick(60 * k)));
        pay->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
        pay->set_rep_id(p->rep_id());
      }
      if (fate < 13) {  // part of the first payment bounced
        v1::PaymentReversed* r = stream.emplace_back().mutable_payment_reversed();
        r->set_payment_id("p1");
        *r->mutable_amount() = MakeMoney(currency, 1 + static_cast<int64_t>(pick(first)));
        r->set_reason("bounced");
        *r->mutable_reversed_on() = ToDate(signed_on + 90);
      }
    }
    std::vector<std::pair<const google::protobuf::Message*, int64_t>> envelopes;
    for (size_t k = 0; k < stream.size(); ++k) {
      envelopes.push_back({&stream[k], UsOf(signed_on + static_cast<int>(k))});
    }
    absl::Status s = out.Add(absl::StrCat("order-o", o), std::move(envelopes));
    if (!s.ok()) return s;
  }

  // Merges: customer 2m+1 into customer 2m, never chained.
  for (uint64_t m = 0; m < merges; ++m) {
    v1::CustomerEvent merged;
    merged.mutable_merged_into()->set_survivor_customer_id(absl::StrCat("c", 2 * m));
    absl::Status s =
        out.Add(absl::StrCat("customer-c", 2 * m + 1), {{&merged, UsOf(kFirstDay + 500)}});
    if (!s.ok()) return s;
  }
  absl::Status s = out.Flush();
  if (!s.ok()) return s;
  log.events = out.count();
  log.last_position = out.last();
  return log;
}

}  // namespace crm::bench
