#include "clients/import/follow_up_sheet.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "clients/import/sheet_values.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/phone_normalizer.h"

namespace crm::clients {
namespace {

// One data row, checked on its own.
struct ParsedRow {
  int line = 0;
  std::string company, company_key, name, phone, phone_key, rep;
  absl::CivilDay first_date;
  v1::Intent first_intent = v1::INTENT_UNSPECIFIED;
  std::optional<absl::CivilDay> second_date;
  v1::Intent second_intent = v1::INTENT_UNSPECIFIED;
};

class RowChecker {
 public:
  RowChecker(const ColumnMap& columns, const FollowUpSheetOptions& options,
             std::vector<RowProblem>& problems)
      : columns_(columns), options_(options), problems_(problems) {}

  // Fills `out`; returns false (after recording every problem) if the row
  // cannot be imported.
  bool Check(const CsvRow& row, ParsedRow& out) {
    ok_ = true;
    line_ = row.line;
    out.line = row.line;
    const auto& f = row.fields;
    out.company = columns_.Cell(f, "company");
    out.name = columns_.Cell(f, "contact_name");
    out.phone = columns_.Cell(f, "phone");
    out.rep = columns_.Cell(f, "rep");
    if (!out.company.empty()) {
      absl::StatusOr<std::string> key = engine::domain::NormalizeCompanyName(out.company);
      if (key.ok()) {
        out.company_key = *key;
      } else {
        Problem("company", out.company, key.status().message());
      }
    }
    if (!out.phone.empty()) {
      absl::StatusOr<engine::domain::NormalizedPhone> phone =
          engine::domain::NormalizePhone(out.phone);
      if (phone.ok()) {
        out.phone_key = phone->key;
      } else {
        Problem("phone", out.phone, phone.status().message());
      }
    }
    if (!out.company.empty() && !out.phone.empty() && out.name.empty()) {
      Problem("contact_name", "",
              "a phone without a name cannot be a contact: add the person's name");
    }
    if (out.company.empty() && out.phone.empty()) {
      Problem("company", "", "neither a company nor a phone: the row names no customer");
    }
    if (out.rep.empty()) Problem("rep", "", "required: the rep who owns and called the customer");

    const std::string first_date = columns_.Cell(f, "first_call_date");
    const std::string first_intent = columns_.Cell(f, "first_intent");
    if (first_date.empty()) {
      Problem("first_call_date", "", "required: a row is a first call");
    } else if (auto d = Date("first_call_date", first_date)) {
      out.first_date = *d;
    }
    if (first_intent.empty()) {
      Problem("first_intent", "", "the first call has no intent");
    } else if (auto i = Intent("first_intent", first_intent)) {
      out.first_intent = *i;
    }
    const std::string second_date = columns_.Cell(f, "second_call_date");
    const std::string second_intent = columns_.Cell(f, "second_intent");
    if (!second_date.empty()) {
      out.second_date = Date("second_call_date", second_date);
      if (second_intent.empty()) {
        Problem("second_intent", "",
                absl::StrCat("the second call on ", second_date, " has no intent"));
      }
    }
    if (!second_intent.empty()) {
      if (second_date.empty()) {
        Problem("second_call_date", "",
                absl::StrCat("the second call's intent \"", second_intent, "\" has no date"));
      }
      if (auto i = Intent("second_intent", second_intent)) out.second_intent = *i;
    }
    if (ok_ && out.second_date.has_value() && *out.second_date < out.first_date) {
      Problem("second_call_date", second_date,
              absl::StrCat("the second call is dated before the first (", first_date, ")"));
    }
    return ok_;
  }

 private:
  void Problem(absl::string_view field, absl::string_view value, absl::string_view reason) {
    ok_ = false;
    std::string column = columns_.Heading(field);
    if (std::optional<int> i = columns_.Index(field)) {
      absl::StrAppend(&column, " (column ", *i + 1, ")");
    }
    problems_.push_back(RowProblem{line_, column, std::string(value), std::string(reason)});
  }

  std::optional<absl::CivilDay> Date(absl::string_view field, const std::string& text) {
    absl::StatusOr<absl::CivilDay> d = ParseSheetDate(text, options_.year);
    if (!d.ok()) {
      Problem(field, text, d.status().message());
      return std::nullopt;
    }
    if (*d > options_.today) {
      Problem(field, text,
              absl::StrCat("is after today (", absl::FormatCivilTime(options_.today), ")"));
      return std::nullopt;
    }
    return *d;
  }

  std::optional<v1::Intent> Intent(absl::string_view field, const std::string& text) {
    absl::StatusOr<v1::Intent> i = options_.intents->Lookup(text);
    if (!i.ok()) {
      Problem(field, text, i.status().message());
      return std::nullopt;
    }
    return *i;
  }

  const ColumnMap& columns_;
  const FollowUpSheetOptions& options_;
  std::vector<RowProblem>& problems_;
  bool ok_ = true;
  int line_ = 0;
};

}  // namespace

std::vector<ColumnSpec> FollowUpSheetColumns() {
  return {
      {"row_number", {"序号", "编号", "no", "#"}, {}, "", false},
      {"company", {"客户公司", "公司", "公司名称", "客户名称", "单位", "company"}, {}, "", true},
      {"contact_name", {"客户姓名", "姓名", "联系人", "contact", "name"}, {}, "", false},
      {"phone", {"联系电话", "电话", "手机", "手机号", "phone", "mobile"}, {}, "", true},
      {"first_call_date", {"首电日期", "首次致电", "首电", "first call date"}, {}, "", true},
      {"first_intent",
       {"首电意向", "first intent"},
       {"意向", "意向度", "intent"},
       "first_call_date",
       true},
      {"second_call_date", {"二电日期", "二次致电", "二电", "second call date"}, {}, "", false},
      {"second_intent",
       {"二电意向", "second intent"},
       {"意向", "意向度", "intent"},
       "second_call_date",
       false},
      {"rep", {"业务员", "销售", "销售人员", "负责人", "rep", "sales rep"}, {}, "", true},
  };
}

absl::StatusOr<FollowUpSheetPlan> PlanFollowUpSheet(const std::vector<CsvRow>& rows,
                                                    const FollowUpSheetOptions& options) {
  if (rows.empty()) return absl::InvalidArgumentError("the file is empty: no header row");
  if (options.intents == nullptr) return absl::InvalidArgumentError("no intent table");
  absl::StatusOr<ColumnMap> columns =
      MapColumns(rows[0].fields, FollowUpSheetColumns(), options.column_overrides);
  if (!columns.ok()) return columns.status();

  FollowUpSheetPlan plan;
  RowChecker checker(*columns, options, plan.problems);
  std::vector<ParsedRow> valid;
  for (size_t r = 1; r < rows.size(); ++r) {
    ++plan.rows_read;
    ParsedRow parsed;
    if (checker.Check(rows[r], parsed)) valid.push_back(std::move(parsed));
  }

  // A phone names one customer: the first company it appears with.
  absl::flat_hash_map<std::string, std::pair<std::string, int>> phone_owner;  // key -> company
  std::vector<ParsedRow> kept;
  for (ParsedRow& row : valid) {
    if (!row.company_key.empty() && !row.phone_key.empty()) {
      auto [it, inserted] = phone_owner.try_emplace(row.phone_key, row.company, row.line);
      if (!inserted) {
        absl::StatusOr<std::string> owner_key =
            engine::domain::NormalizeCompanyName(it->second.first);
        if (!owner_key.ok() || *owner_key != row.company_key) {
          std::string column = columns->Heading("phone");
          plan.problems.push_back(RowProblem{
              row.line, column, row.phone,
              absl::StrCat("this phone is also on line ", it->second.second, " for \"",
                           it->second.first, "\": one phone cannot belong to two customers")});
          continue;
        }
      }
    }
    kept.push_back(std::move(row));
  }

  std::map<std::string, size_t> customer_index;  // key -> plan.customers index
  std::set<std::tuple<std::string, int, absl::CivilDay, int, std::string>> seen_follow_ups;
  for (const ParsedRow& row : kept) {
    std::string key = row.company_key;
    std::string company = row.company;
    bool by_phone = false;
    if (key.empty()) {
      if (auto it = phone_owner.find(row.phone_key); it != phone_owner.end()) {
        company = it->second.first;
        key = *engine::domain::NormalizeCompanyName(company);
      } else {
        key = absl::StrCat("phone:", row.phone_key);
        company.clear();
        by_phone = true;
      }
    }
    auto [it, inserted] = customer_index.try_emplace(key, plan.customers.size());
    if (inserted) {
      PlannedCustomer c;
      c.key = key;
      c.company_name = company;
      c.match_by_phone_only = by_phone;
      c.owner_rep_name = row.rep;
      plan.customers.push_back(std::move(c));
    }
    PlannedCustomer& customer = plan.customers[it->second];
    customer.lines.push_back(row.line);
    if (!row.name.empty() || !row.phone_key.empty()) {
      const bool known = std::any_of(customer.contacts.begin(), customer.contacts.end(),
                                     [&](const PlannedContact& c) {
                                       return c.name == row.name && c.phone_key == row.phone_key;
                                     });
      if (!known) {
        customer.contacts.push_back(PlannedContact{row.name, row.phone, row.phone_key, row.line});
      }
    }
    auto add_call = [&](int call, absl::CivilDay date, v1::Intent intent) {
      if (!seen_follow_ups.emplace(key, call, date, intent, row.rep).second) {
        ++plan.duplicate_follow_ups;
        return;
      }
      customer.follow_ups.push_back(
          PlannedFollowUp{row.line, call, date, intent, row.rep, row.phone_key, row.name});
    };
    add_call(1, row.first_date, row.first_intent);
    if (row.second_date.has_value()) add_call(2, *row.second_date, row.second_intent);
    ++plan.rows_planned;
  }
  std::stable_sort(plan.problems.begin(), plan.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.line < b.line; });
  return plan;
}

}  // namespace crm::clients
