#include "projections/reports/rep_performance.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/money.h"
#include "engine/status_macros.h"
#include "projections/reports/report_rows.pb.h"
#include "projections/reports/reports_keys.h"

namespace crm::projections::reports {
namespace {

absl::StatusOr<absl::CivilDay> ParseDayDigits(absl::string_view digits) {
  int y = 0, m = 0, d = 0;
  if (digits.size() != 8 || !absl::SimpleAtoi(digits.substr(0, 4), &y) ||
      !absl::SimpleAtoi(digits.substr(4, 2), &m) || !absl::SimpleAtoi(digits.substr(6, 2), &d)) {
    return absl::DataLossError(absl::StrCat("rep day key has a bad date: ", digits));
  }
  return absl::CivilDay(y, m, d);
}

absl::Status Add(int64_t& acc, int64_t v, absl::string_view field) {
  CRM_ASSIGN_OR_RETURN(acc, engine::domain::AddMinorUnits(field, acc, v));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<RepPerformanceRow>> RepPerformance(const ViewReader& reader,
                                                              absl::CivilDay from,
                                                              absl::CivilDay to, Period period) {
  if (to < from) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to: ", absl::FormatCivilTime(to), " is before from: ", absl::FormatCivilTime(from)));
  }
  // (rep, period start) -> row, and its money by currency.
  std::map<std::pair<std::string, absl::CivilDay>, RepPerformanceRow> rows;
  std::map<std::pair<std::string, absl::CivilDay>, std::map<std::string, MoneyFigures>> money;
  absl::Status inner;
  CRM_RETURN_IF_ERROR(
      reader.Scan(keys::kRepDayPrefix, [&](absl::string_view k, absl::string_view v) {
        const size_t sep = k.find('\0');
        if (sep == absl::string_view::npos) {
          inner = absl::DataLossError("rep day key without separator");
          return false;
        }
        absl::StatusOr<absl::CivilDay> day = ParseDayDigits(k.substr(sep + 1));
        if (!day.ok()) {
          inner = day.status();
          return false;
        }
        if (*day < from || *day > to) return true;
        views::RepDayRow r;
        if (!r.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          inner = absl::DataLossError("rep day row does not parse");
          return false;
        }
        absl::CivilDay start = from, end = to;
        if (period == Period::kMonth) {
          const absl::CivilMonth month(*day);
          start = std::max(from, absl::CivilDay(month));
          end = std::min(to, absl::CivilDay(month + 1) - 1);
        }
        const auto id = std::make_pair(std::string(k.substr(1, sep - 1)), start);
        RepPerformanceRow& row = rows[id];
        row.rep_id = id.first;
        row.period_start = start;
        row.period_end = end;
        row.follow_ups += r.follow_ups();
        row.new_customers += r.new_customers();
        row.orders += r.orders();
        for (const views::CurrencyFigures& f : r.money()) {
          MoneyFigures& m = money[id][f.currency_code()];
          m.currency_code = f.currency_code();
          inner = Add(m.ordered, f.ordered(), "ordered");
          if (inner.ok()) inner = Add(m.collected, f.collected(), "collected");
          if (!inner.ok()) return false;
        }
        return true;
      }));
  CRM_RETURN_IF_ERROR(inner);
  std::vector<RepPerformanceRow> out;
  for (auto& [id, row] : rows) {
    for (auto& [currency, m] : money[id]) row.money.push_back(m);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace crm::projections::reports
