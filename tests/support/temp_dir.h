// A fresh temporary folder per test, removed when the test ends.
#ifndef CRM_TESTS_SUPPORT_TEMP_DIR_H_
#define CRM_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace crm::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace crm::testing

#endif  // CRM_TESTS_SUPPORT_TEMP_DIR_H_
