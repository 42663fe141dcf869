// The collection report (回款情况表) as tables for Excel (table_export.h): a
// summary sheet (payments and amount per rep) plus one sheet per rep in the
// seed sheet's columns, or all lines as one CSV.
#ifndef CRM_CLIENTS_EXPORT_COLLECTION_EXPORT_H_
#define CRM_CLIENTS_EXPORT_COLLECTION_EXPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace crm::clients {

struct CollectionLine {
  std::string rep;       // the rep's name (or id when it has none)
  std::string products;  // 产品名称
  std::string customer;  // 客户名称
  absl::CivilDay paid_on;
  std::string currency_code;
  int64_t amount = 0;  // minor units, net of reversals
  std::string status;  // 已回款 / 部分回款 / 未回款 / 逾期 / 已取消
};

struct CollectionExport {
  absl::CivilDay from, to;
  std::vector<CollectionLine> lines;  // by date
};

absl::Status WriteCollectionXlsx(const CollectionExport& report, const std::string& path);
absl::Status WriteCollectionCsv(const CollectionExport& report, const std::string& path);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_EXPORT_COLLECTION_EXPORT_H_
