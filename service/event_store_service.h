// EventStoreServiceImpl: crm.v1.EventStoreService
// (proto/crm/v1/event_store_service.proto) on the gRPC callback API.
//
// Append hands the request to EventStore::AppendAsync and finishes the
// reactor from the store's commit callback: no thread waits for the fsync.
// Reads run on the service's thread pool. Subscribe runs each subscription
// as a SubscribeReactor (subscribe_reactor.h) with one write in flight.
//
// Thread-safety: gRPC calls the methods concurrently.
#ifndef CRM_SERVICE_EVENT_STORE_SERVICE_H_
#define CRM_SERVICE_EVENT_STORE_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "crm/v1/event_store_service.grpc.pb.h"
#include "engine/store/event_store.h"
#include "service/call_gate.h"
#include "service/subscribe_reactor.h"
#include "service/thread_pool.h"

namespace crm::service {

// Reads return at most this many events, whatever limit is asked.
inline constexpr uint32_t kMaxReadLimit = 1000;
inline constexpr uint32_t kDefaultReadLimit = 100;

class EventStoreServiceImpl final : public v1::EventStoreService::CallbackService {
 public:
  // None owned; all must outlive the service.
  EventStoreServiceImpl(engine::EventStore* store, const CallGate* gate, ThreadPool* pool,
                        SubscriptionRegistry* subscriptions);

  grpc::ServerUnaryReactor* Append(grpc::CallbackServerContext* context,
                                   const v1::AppendRequest* request,
                                   v1::AppendResponse* response) override;
  grpc::ServerUnaryReactor* ReadStream(grpc::CallbackServerContext* context,
                                       const v1::ReadStreamRequest* request,
                                       v1::ReadResponse* response) override;
  grpc::ServerUnaryReactor* ReadAll(grpc::CallbackServerContext* context,
                                    const v1::ReadAllRequest* request,
                                    v1::ReadResponse* response) override;
  grpc::ServerUnaryReactor* ReadCategory(grpc::CallbackServerContext* context,
                                         const v1::ReadCategoryRequest* request,
                                         v1::ReadResponse* response) override;
  grpc::ServerWriteReactor<v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) override;

 private:
  grpc::ServerUnaryReactor* RunRead(grpc::CallbackServerContext* context,
                                    std::function<absl::Status()> work);

  engine::EventStore* store_;
  const CallGate* gate_;
  ThreadPool* pool_;
  SubscriptionRegistry* subscriptions_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_EVENT_STORE_SERVICE_H_
