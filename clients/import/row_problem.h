// One reason a sheet row cannot be imported, in the words a person fixing the
// sheet needs: where (line and column), what (the value), why.
#ifndef CRM_CLIENTS_IMPORT_ROW_PROBLEM_H_
#define CRM_CLIENTS_IMPORT_ROW_PROBLEM_H_

#include <string>

namespace crm::clients {

struct RowProblem {
  int line = 0;
  std::string column;  // the sheet's heading
  std::string value;
  std::string reason;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_ROW_PROBLEM_H_
