// Subscriptions as cursors over the committed log (see subscription.h).
#include <deque>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/status_macros.h"
#include "engine/store/event_store_impl.h"
#include "engine/store/keyspace.h"
#include "engine/store/record.h"
#include "engine/store/rocks_glue.h"
#include "engine/store/validation.h"

namespace crm::engine {
namespace {

// Events read per visit to RocksDB: bounds a subscriber's memory.
constexpr size_t kChunk = 256;

class SubscriptionImpl final : public Subscription {
 public:
  SubscriptionImpl(const EventStoreImpl* store, const SubscriptionOptions& options, Position start,
                   Revision next_revision)
      : store_(store),
        options_(options),
        stream_mode_(!options.stream.empty()),
        cursor_(start),
        next_revision_(next_revision),
        last_report_time_(absl::Now()),
        last_reported_(start) {}

  absl::StatusOr<SubscriptionMessage> Next(absl::Time deadline) override {
    while (true) {
      if (cancelled_.load(std::memory_order_acquire)) {
        return absl::CancelledError("subscription cancelled");
      }
      if (store_->closing()) return absl::UnavailableError("the event store is closing");
      if (!buffer_.empty()) {
        SubscriptionMessage m;
        m.event = std::move(buffer_.front());
        buffer_.pop_front();
        last_reported_ = m.event.position + 1;
        last_report_time_ = absl::Now();
        return m;
      }
      const Position end = store_->CommittedPosition();
      if (!stream_mode_ && state_ == State::kLive && end - cursor_ > options_.max_live_lag) {
        state_ = State::kBehind;
        return Report(SubscriptionMessage::Kind::kFellBehind);
      }
      if (cursor_ < end) {
        CRM_ASSIGN_OR_RETURN(bool checkpoint, ReadChunk(end));
        if (checkpoint) return Report(SubscriptionMessage::Kind::kCheckpoint);
        continue;
      }
      if (state_ != State::kLive) {
        state_ = State::kLive;
        return Report(SubscriptionMessage::Kind::kCaughtUp);
      }
      const absl::Time now = absl::Now();
      if (cursor_ != last_reported_ && now - last_report_time_ >= options_.checkpoint_period) {
        return Report(SubscriptionMessage::Kind::kCheckpoint);
      }
      if (now >= deadline) return absl::DeadlineExceededError("no event before the deadline");
      // Wake for a commit, a cancel, the caller's deadline, or the next
      // periodic checkpoint, whichever comes first.
      absl::Time wake = deadline;
      if (cursor_ != last_reported_) {
        wake = std::min(wake, last_report_time_ + options_.checkpoint_period);
      }
      store_->WaitForCommitOrCancel(cursor_, wake, &cancelled_);
    }
  }

  void Cancel() override {
    cancelled_.store(true, std::memory_order_release);
    store_->WakeWaiters();
  }

 private:
  enum class State { kCatchingUp, kLive, kBehind };

  SubscriptionMessage Report(SubscriptionMessage::Kind kind) {
    SubscriptionMessage m;
    m.kind = kind;
    m.position = cursor_;
    last_reported_ = cursor_;
    last_report_time_ = absl::Now();
    unmatched_ = 0;
    return m;
  }

  bool Matches(const record::RecordView& v) const {
    return absl::StartsWith(v.stream, options_.filter.stream_prefix) &&
           absl::StartsWith(v.type, options_.filter.event_type_prefix);
  }

  // Reads the next chunk below `end` into buffer_. Returns true when a filtered
  // run of checkpoint_interval unmatched events calls for a checkpoint.
  absl::StatusOr<bool> ReadChunk(Position end) {
    if (stream_mode_) return ReadStreamChunk(end);
    const std::string upper = keyspace::EventKey(end);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(ro, store_->events_cf()));
    size_t read = 0;
    for (it->Seek(keyspace::EventKey(cursor_)); it->Valid() && read < kChunk; it->Next(), ++read) {
      const Position pos = keyspace::GetU64BE(View(it->key()));
      CRM_ASSIGN_OR_RETURN(record::RecordView view, record::DecodeRecord(View(it->value())));
      cursor_ = pos + 1;
      if (Matches(view)) {
        buffer_.push_back(record::ToRecordedEvent(view, pos));
        unmatched_ = 0;
      } else if (++unmatched_ >= options_.checkpoint_interval && buffer_.empty()) {
        return true;
      }
    }
    CRM_RETURN_IF_ERROR(FromRocks(it->status(), "subscription reading the log"));
    return false;
  }

  // A single-stream subscription follows the stream index, not the whole log.
  absl::StatusOr<bool> ReadStreamChunk(Position end) {
    const std::string prefix = keyspace::StreamIndexPrefix(options_.stream);
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->stream_index_cf()));
    std::vector<Position> positions;
    for (it->Seek(keyspace::StreamIndexKey(options_.stream, next_revision_));
         it->Valid() && it->key().starts_with(prefix) && positions.size() < kChunk; it->Next()) {
      const Position pos = keyspace::GetU64BE(View(it->value()));
      if (pos >= end) break;
      positions.push_back(pos);
    }
    CRM_RETURN_IF_ERROR(FromRocks(it->status(), "subscription reading a stream"));
    CRM_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events, store_->ReadPositions(positions));
    for (RecordedEvent& e : events) {
      next_revision_ = e.revision + 1;
      if (absl::StartsWith(e.type, options_.filter.event_type_prefix)) {
        buffer_.push_back(std::move(e));
      }
    }
    // Everything of this stream below `end` is now buffered.
    if (positions.size() < kChunk) cursor_ = end;
    return false;
  }

  const EventStoreImpl* store_;
  const SubscriptionOptions options_;
  const bool stream_mode_;
  Position cursor_;         // next log position to consider
  Revision next_revision_;  // stream mode: next revision to deliver
  std::deque<RecordedEvent> buffer_;
  State state_ = State::kCatchingUp;
  uint64_t unmatched_ = 0;
  absl::Time last_report_time_;
  Position last_reported_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

absl::StatusOr<std::unique_ptr<Subscription>> EventStoreImpl::Subscribe(
    const SubscriptionOptions& options) {
  if (closing()) return absl::UnavailableError("the event store is closing");
  const Position end = CommittedPosition();
  if (!options.stream.empty()) {
    CRM_RETURN_IF_ERROR(ValidateStreamName(options.stream, options_.limits));
    // Everything of the stream below `end` is read from its index; later
    // revisions arrive at positions >= end.
    return std::unique_ptr<Subscription>(
        new SubscriptionImpl(this, options, /*start=*/0, options.from_revision));
  }
  Position start = options.from_position;
  if (start == kEndPosition) {
    start = end;
  } else if (start > end) {
    return absl::InvalidArgumentError(
        absl::StrCat("from_position ", start, " is past the end of the log (", end, ")"));
  }
  return std::unique_ptr<Subscription>(new SubscriptionImpl(this, options, start, 0));
}

}  // namespace crm::engine
