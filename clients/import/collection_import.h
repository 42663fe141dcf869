// Applying a collection sheet plan (collection_sheet.h) to the CRM: each row
// becomes an order of one line for its customer (found by normalised company
// name: a payment sheet never creates customers), approved, with the
// payment recorded when money came in.
//
// Resolve first (reads only): a customer not in the CRM, or a product not
// defined (unless create_missing), is a problem on the row, and any problem
// refuses the whole import unless skip_invalid.
//
// Order, contract, payment and request ids derive from the row's content
// (customer, product, due date, amounts, payment date, and which occurrence
// of identical rows it is), not from the file: re-running an import, or
// importing an overlapping sheet, records each payment once.
#ifndef CRM_CLIENTS_IMPORT_COLLECTION_IMPORT_H_
#define CRM_CLIENTS_IMPORT_COLLECTION_IMPORT_H_

#include "absl/status/statusor.h"
#include "clients/import/collection_sheet.h"
#include "clients/import/follow_up_import.h"
#include "clients/import/import_backend.h"

namespace crm::clients {

absl::StatusOr<ImportReport> ImportCollections(const CollectionSheetPlan& plan,
                                               ImportBackend& backend,
                                               const ImportOptions& options);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_COLLECTION_IMPORT_H_
