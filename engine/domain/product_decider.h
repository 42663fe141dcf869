// The product (产品) aggregate: state, fold and decider. Same result
// conventions as customer_decider.h.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_PRODUCT_DECIDER_H_
#define CRM_ENGINE_DOMAIN_PRODUCT_DECIDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/product.pb.h"

namespace crm::engine::domain {

struct ProductState {
  bool exists = false;
  std::string product_id;
  std::string name;
  v1::Money unit_price;
  bool retired = false;
};

void Evolve(ProductState& state, const v1::ProductEvent& event);

// A retired product refuses price changes (FailedPrecondition); retiring it
// again is a no-op.
absl::StatusOr<std::vector<v1::ProductEvent>> DecideProduct(const v1::CommandContext& context,
                                                            const v1::ProductCommand& command,
                                                            const ProductState& state);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_PRODUCT_DECIDER_H_
