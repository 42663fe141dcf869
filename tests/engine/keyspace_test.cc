#include "engine/store/keyspace.h"

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace crm::engine::keyspace {
namespace {

TEST(KeyspaceTest, BigEndianRoundTrips) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256}, uint64_t{1} << 32,
                     std::numeric_limits<uint64_t>::max()}) {
    EXPECT_EQ(GetU64BE(U64BE(v)), v);
    EXPECT_EQ(U64BE(v).size(), 8u);
  }
}

TEST(KeyspaceTest, EncodedPositionOrderEqualsNumericOrder) {
  std::mt19937_64 rng(42);
  std::vector<uint64_t> values = {0,
                                  1,
                                  255,
                                  256,
                                  65535,
                                  65536,
                                  (uint64_t{1} << 63) - 1,
                                  uint64_t{1} << 63,
                                  std::numeric_limits<uint64_t>::max()};
  for (int i = 0; i < 10000; ++i) values.push_back(rng() >> (rng() % 64));
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    for (size_t j : {i + 1, values.size() - 1 - i}) {
      uint64_t a = values[i], b = values[j];
      EXPECT_EQ(a < b, EventKey(a) < EventKey(b)) << a << " vs " << b;
      EXPECT_EQ(a == b, EventKey(a) == EventKey(b));
    }
  }
}

TEST(KeyspaceTest, StreamIndexKeysSortByStreamThenRevision) {
  // Revisions of one stream sort numerically, and no key of stream "a" falls
  // among those of "a-b" or "ab" (the 0x00 terminator sorts first).
  EXPECT_LT(StreamIndexKey("a", 255), StreamIndexKey("a", 256));
  EXPECT_LT(StreamIndexKey("a", std::numeric_limits<uint64_t>::max()), StreamIndexKey("a-b", 0));
  EXPECT_LT(StreamIndexKey("a", std::numeric_limits<uint64_t>::max()), StreamIndexKey("ab", 0));
  EXPECT_EQ(StreamIndexKey("a", 7).substr(0, StreamIndexPrefix("a").size()),
            StreamIndexPrefix("a"));
  EXPECT_NE(StreamIndexKey("ab", 0).substr(0, StreamIndexPrefix("a").size()),
            StreamIndexPrefix("a"));
  EXPECT_EQ(TrailingU64(StreamIndexKey("customer-9", 1234567)), 1234567u);
}

TEST(KeyspaceTest, CategoryIsThePartBeforeTheFirstDash) {
  EXPECT_EQ(CategoryOf("customer-42").value(), "customer");
  EXPECT_EQ(CategoryOf("order-2026-001").value(), "order");
  EXPECT_FALSE(CategoryOf("nodash").has_value());
  EXPECT_FALSE(CategoryOf("-leading").has_value());
  EXPECT_LT(CategoryIndexKey("customer", 5), CategoryIndexKey("customer", 6));
  EXPECT_EQ(TrailingU64(CategoryIndexKey("customer", 99)), 99u);
}

}  // namespace
}  // namespace crm::engine::keyspace
