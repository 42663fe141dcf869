// RepNames: the names of reps for one response. Reports and pipelines are
// read by people, who know reps by name (业务员); ids stay for scripts.
//
// Thread-compatible: one per response.
#ifndef CRM_SERVICE_REP_NAMES_H_
#define CRM_SERVICE_REP_NAMES_H_

#include <map>
#include <string>

#include "engine/domain/command_handler.h"

namespace crm::service {

// The rep's registered name; the id when the rep is unknown or has no name,
// its stream cannot be read (a name is a courtesy, never a reason to fail a
// report), or `handler` is null.
std::string RepName(engine::domain::CommandHandler* handler, const std::string& rep_id);

// RepName for many rows of one response, each rep looked up once.
class RepNames {
 public:
  // `handler` may be null (then every name is the id); not owned.
  explicit RepNames(engine::domain::CommandHandler* handler) : handler_(handler) {}

  const std::string& Of(const std::string& rep_id);

 private:
  engine::domain::CommandHandler* handler_;
  std::map<std::string, std::string> names_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_REP_NAMES_H_
