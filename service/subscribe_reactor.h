// SubscribeReactor: one EventStoreService.Subscribe call, and the registry
// that bounds and ends them.
//
// Each subscription owns one thread that pulls from the store's cursor
// (engine/store/subscription.h) and writes to the client with exactly one
// write in flight: it waits for OnWriteDone before pulling the next message.
// A message is one event, or with max_events_per_message > 1 the events the
// cursor has ready at once, up to that many and ~1 MiB (the per-message
// hand-off between this thread and gRPC's costs far more than an event). A
// slow client therefore only stalls its own thread and cursor; the store
// holds no buffer for it and appends never wait for it. A thread per live
// subscription is bounded by the registry's limit.
//
// Thread-safety: gRPC calls the reactions; the registry may be used from any
// thread.
#ifndef CRM_SERVICE_SUBSCRIBE_REACTOR_H_
#define CRM_SERVICE_SUBSCRIBE_REACTOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "crm/v1/event_store_service.pb.h"
#include "engine/store/subscription.h"
#include "grpcpp/support/server_callback.h"

namespace crm::service {

class SubscribeReactor;

class SubscriptionRegistry {
 public:
  explicit SubscriptionRegistry(int max_live) : max_live_(max_live) {}

  // Reserves a slot; ResourceExhausted when max_live are live, Unavailable
  // after ShutdownAll.
  absl::Status Reserve();
  // Returns a slot reserved but never used.
  void Unreserve();

  // Ends every live subscription with UNAVAILABLE and refuses new ones.
  // Returns at once; the calls finish on their own threads.
  void ShutdownAll();

  int live() const;

 private:
  friend class SubscribeReactor;
  void Add(SubscribeReactor* r);
  void Remove(SubscribeReactor* r);

  const int max_live_;
  mutable absl::Mutex mu_;
  int reserved_ ABSL_GUARDED_BY(mu_) = 0;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<SubscribeReactor*> live_ ABSL_GUARDED_BY(mu_);
};

class SubscribeReactor final : public grpc::ServerWriteReactor<v1::SubscribeResponse> {
 public:
  // Starts delivering at once. REQUIRES: a slot reserved in `registry`.
  // Deletes itself when the call is done.
  SubscribeReactor(std::unique_ptr<engine::Subscription> subscription,
                   SubscriptionRegistry* registry, uint32_t max_events_per_message = 1);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  friend class SubscriptionRegistry;
  void Loop();
  // Fills message_ with `first` and the events the cursor has ready after it;
  // a non-event message met on the way goes to `held`, an error to `end`.
  // Returns the position after the last event added.
  engine::Position FillBatch(engine::RecordedEvent first,
                             std::optional<engine::SubscriptionMessage>* held, absl::Status* end);
  // Ends the call with UNAVAILABLE (server shutting down).
  void Shutdown();
  // Waits until the write in flight is done; false if it failed or the call
  // was cancelled.
  bool AwaitWrite();

  std::unique_ptr<engine::Subscription> subscription_;
  SubscriptionRegistry* registry_;
  const uint32_t max_events_per_message_;
  v1::SubscribeResponse message_;  // the write in flight

  absl::Mutex mu_;
  bool write_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool write_ok_ ABSL_GUARDED_BY(mu_) = true;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_SUBSCRIBE_REACTOR_H_
