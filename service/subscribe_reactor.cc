#include "service/subscribe_reactor.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/store/rocks_thread.h"
#include "service/event_proto.h"
#include "service/status_mapping.h"

namespace crm::service {

absl::Status SubscriptionRegistry::Reserve() {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return absl::UnavailableError("crmd is shutting down; resume elsewhere");
  if (reserved_ >= max_live_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server already serves ", max_live_, " live subscriptions (limits.max_subscriptions)"));
  }
  ++reserved_;
  return absl::OkStatus();
}

void SubscriptionRegistry::Unreserve() {
  absl::MutexLock lock(&mu_);
  --reserved_;
}

void SubscriptionRegistry::Add(SubscribeReactor* r) {
  bool shut_down;
  {
    absl::MutexLock lock(&mu_);
    live_.insert(r);
    shut_down = shut_down_;
  }
  if (shut_down) r->Shutdown();
}

void SubscriptionRegistry::Remove(SubscribeReactor* r) {
  absl::MutexLock lock(&mu_);
  live_.erase(r);
  --reserved_;
}

void SubscriptionRegistry::ShutdownAll() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
  // Remove() takes mu_ before a reactor is deleted, so each is alive here.
  for (SubscribeReactor* r : live_) r->Shutdown();
}

int SubscriptionRegistry::live() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(live_.size());
}

SubscribeReactor::SubscribeReactor(std::unique_ptr<engine::Subscription> subscription,
                                   SubscriptionRegistry* registry, uint32_t max_events_per_message)
    : subscription_(std::move(subscription)),
      registry_(registry),
      max_events_per_message_(max_events_per_message) {
  registry_->Add(this);
  // The thread starts last: it may finish the call, and OnDone then needs
  // thread_ set.
  absl::MutexLock lock(&mu_);
  thread_ = std::thread([this] {
    engine::StopRocksPerfCounting();
    Loop();
  });
}

void SubscribeReactor::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  write_pending_ = false;
  write_ok_ = ok;
}

void SubscribeReactor::OnCancel() {
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  subscription_->Cancel();
}

void SubscribeReactor::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
  }
  subscription_->Cancel();
}

void SubscribeReactor::OnDone() {
  registry_->Remove(this);
  {
    // Wait for the constructor to have stored the thread.
    absl::MutexLock lock(&mu_);
  }
  // gRPC may run OnDone inline in Finish, on the loop's own thread.
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else {
    thread_.join();
  }
  delete this;
}

bool SubscribeReactor::AwaitWrite() {
  absl::MutexLock lock(&mu_);
  // gRPC answers every started write, with ok == false once cancelled, so the
  // message buffer is free again when this returns.
  mu_.Await(absl::Condition(
      +[](bool* pending) { return !*pending; }, &write_pending_));
  return write_ok_ && !cancelled_;
}

engine::Position SubscribeReactor::FillBatch(engine::RecordedEvent first,
                                             std::optional<engine::SubscriptionMessage>* held,
                                             absl::Status* end) {
  constexpr size_t kMaxBatchBytes = 1 << 20;
  v1::EventBatch* batch = message_.mutable_events();
  engine::Position resume = first.position + 1;
  size_t bytes = first.data.size() + first.metadata.size();
  ToProto(first, batch->add_events());
  while (static_cast<uint32_t>(batch->events_size()) < max_events_per_message_ &&
         bytes < kMaxBatchBytes) {
    // Only what is ready now: a past deadline never waits.
    absl::StatusOr<engine::SubscriptionMessage> more = subscription_->Next(absl::InfinitePast());
    if (absl::IsDeadlineExceeded(more.status())) break;
    if (!more.ok()) {
      *end = more.status();  // after this batch is sent
      break;
    }
    if (more->kind != engine::SubscriptionMessage::Kind::kEvent) {
      *held = *std::move(more);
      break;
    }
    bytes += more->event.data.size() + more->event.metadata.size();
    resume = more->event.position + 1;
    ToProto(more->event, batch->add_events());
  }
  return resume;
}

void SubscribeReactor::Loop() {
  {
    absl::MutexLock lock(&mu_);  // the constructor has finished
  }
  absl::Status end;
  engine::Position resume = 0;
  bool have_resume = false;
  // A message the cursor gave while a batch was being filled: sent next.
  std::optional<engine::SubscriptionMessage> held;
  while (end.ok()) {
    absl::StatusOr<engine::SubscriptionMessage> next;
    if (held) {
      next = *std::move(held);
      held.reset();
    } else {
      next = subscription_->Next(absl::Now() + absl::Seconds(1));
    }
    if (absl::IsDeadlineExceeded(next.status())) continue;
    if (!next.ok()) {
      end = next.status();
      break;
    }
    message_.Clear();
    switch (next->kind) {
      case engine::SubscriptionMessage::Kind::kEvent:
        if (max_events_per_message_ <= 1) {
          ToProto(next->event, message_.mutable_event());
          resume = next->event.position + 1;
          break;
        }
        resume = FillBatch(std::move(next->event), &held, &end);
        break;
      case engine::SubscriptionMessage::Kind::kCheckpoint:
        message_.mutable_checkpoint()->set_position(next->position);
        resume = next->position;
        break;
      case engine::SubscriptionMessage::Kind::kCaughtUp:
        message_.mutable_caught_up()->set_position(next->position);
        resume = next->position;
        break;
      case engine::SubscriptionMessage::Kind::kFellBehind:
        message_.mutable_fell_behind()->set_position(next->position);
        resume = next->position;
        break;
    }
    have_resume = true;
    {
      absl::MutexLock lock(&mu_);
      write_pending_ = true;
    }
    StartWrite(&message_);
    if (!AwaitWrite()) {
      end = absl::CancelledError("the client went away");
      break;
    }
  }
  bool shutting_down;
  bool cancelled;
  {
    absl::MutexLock lock(&mu_);
    shutting_down = shutting_down_;
    cancelled = cancelled_;
  }
  if (shutting_down && !cancelled) {
    end = absl::UnavailableError(
        have_resume ? absl::StrCat("crmd is shutting down; resume from position ", resume)
                    : std::string("crmd is shutting down; resume from your last position"));
  }
  Finish(ToGrpcStatus(end));
}

}  // namespace crm::service
