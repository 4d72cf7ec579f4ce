// Generic access to the fields of every election message, for the codec tests and fuzzers: the
// message structs are plain aggregates, so their fields can be counted and bound without a list
// per type. A field added to a struct is then compared, filled and range-checked by the tests with
// no edit here, and a message kind added to baton::Message is covered by iterating the variant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/message.hpp"

namespace baton::testing {

namespace detail {

/// Converts to anything; `T{AnyField{}, ...}` compiles for as many initializers as T has fields.
struct AnyField {
  template <class T>
  operator T() const;  // declared only: used in unevaluated contexts
};

template <class T, class... A>
concept BraceInitializable = requires {
  T{std::declval<A>()...};
};

template <class T, class... A>
constexpr std::size_t field_count_from() {
  if constexpr (BraceInitializable<T, A..., AnyField>) {
    return field_count_from<T, A..., AnyField>();
  } else {
    return sizeof...(A);
  }
}

}  // namespace detail

/// A struct whose fields we look into (message structs and their parts: Ballot, Vote, Entry).
template <class T>
concept Record = std::is_class_v<T> && std::is_aggregate_v<T>;

/// Number of fields of an aggregate (no base classes, no arrays among its fields).
template <Record T>
constexpr std::size_t field_count() {
  return detail::field_count_from<T>();
}

/// The fields of `m` as a tuple of references (const if `m` is const).
template <class M>
requires Record<std::remove_const_t<M>>
auto tie_fields(M& m) {
  constexpr std::size_t n = field_count<std::remove_const_t<M>>();
  static_assert(n <= 8, "tie_fields: extend for structs with more than 8 fields");
  if constexpr (n == 0) {
    return std::tie();
  } else if constexpr (n == 1) {
    auto& [a] = m;
    return std::tie(a);
  } else if constexpr (n == 2) {
    auto& [a, b] = m;
    return std::tie(a, b);
  } else if constexpr (n == 3) {
    auto& [a, b, c] = m;
    return std::tie(a, b, c);
  } else if constexpr (n == 4) {
    auto& [a, b, c, d] = m;
    return std::tie(a, b, c, d);
  } else if constexpr (n == 5) {
    auto& [a, b, c, d, e] = m;
    return std::tie(a, b, c, d, e);
  } else if constexpr (n == 6) {
    auto& [a, b, c, d, e, f] = m;
    return std::tie(a, b, c, d, e, f);
  } else if constexpr (n == 7) {
    auto& [a, b, c, d, e, f, g] = m;
    return std::tie(a, b, c, d, e, f, g);
  } else {
    auto& [a, b, c, d, e, f, g, h] = m;
    return std::tie(a, b, c, d, e, f, g, h);
  }
}

/// Field-by-field equality, recursing into nested records.
template <class T>
bool same_fields(const T& a, const T& b) {
  if constexpr (Record<T>) {
    return std::apply(
        [&b](const auto&... fa) {
          return std::apply([&](const auto&... fb) { return (same_fields(fa, fb) && ...); },
                            tie_fields(b));
        },
        tie_fields(a));
  } else {
    return a == b;
  }
}

/// Same kind and same fields.
inline bool same_message(const Message& a, const Message& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&b](const auto& ma) { return same_fields(ma, std::get<std::decay_t<decltype(ma)>>(b)); }, a);
}

inline bool same_envelope(const Envelope& a, const Envelope& b) {
  return a.from == b.from && a.to == b.to && same_message(a.message, b.message);
}

/// Sets every field (recursively) to a non-default value distinct from the other fields': bools
/// true, enums their second enumerator, integers a counter placed in the type's top bits so a value
/// truncated to fewer bits, or written to a neighbouring field, cannot pass for the original.
template <class T>
void fill_fields(T& value, std::uint64_t& counter) {
  if constexpr (Record<T>) {
    std::apply([&counter](auto&... f) { (fill_fields(f, counter), ...); }, tie_fields(value));
  } else if constexpr (std::is_same_v<T, bool>) {
    value = true;
  } else if constexpr (std::is_enum_v<T>) {
    value = static_cast<T>(1);
  } else {
    static_assert(std::is_unsigned_v<T>, "fill_fields: unexpected field type");
    constexpr int bits = std::numeric_limits<T>::digits;
    ++counter;
    value = static_cast<T>((std::uint64_t{1} << (bits - 1)) | counter);
  }
}

/// What a field is, for checks that walk a struct and its wire message side by side.
enum class FieldKind { Bool, Enum, Unsigned32, Unsigned64 };

/// The kinds of the leaf fields of T in declaration order, nested records flattened in place.
template <class T>
void leaf_kinds(std::vector<FieldKind>& out) {
  if constexpr (Record<T>) {
    T value{};
    std::apply([&out](auto&... f) { (leaf_kinds<std::decay_t<decltype(f)>>(out), ...); },
               tie_fields(value));
  } else if constexpr (std::is_same_v<T, bool>) {
    out.push_back(FieldKind::Bool);
  } else if constexpr (std::is_enum_v<T>) {
    out.push_back(FieldKind::Enum);
  } else {
    static_assert(std::is_unsigned_v<T>, "leaf_kinds: unexpected field type");
    static_assert(std::numeric_limits<T>::digits == 32 || std::numeric_limits<T>::digits == 64);
    out.push_back(std::numeric_limits<T>::digits == 32 ? FieldKind::Unsigned32
                                                       : FieldKind::Unsigned64);
  }
}

/// Calls f(std::integral_constant<std::size_t, I>) for every alternative index of Message.
template <class F>
void for_each_kind(F&& f) {
  [&f]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }
  (std::make_index_sequence<kMessageKinds>{});
}

}  // namespace baton::testing
