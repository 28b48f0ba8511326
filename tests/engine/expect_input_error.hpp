// expect_input_error: runs an action and expects an InputError whose message holds every given
// part and names its subject (the text before the first ": ", a path) only once.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <string>

#include "nnbench/core/error.hpp"

namespace nnbench::testing {

inline void expect_input_error(const std::function<void()>& action,
                               std::initializer_list<std::string> parts) {
  try {
    action();
  } catch (const InputError& error) {
    const std::string message = error.what();
    const std::size_t colon = message.find(": ");
    if (colon != std::string::npos) {  // the subject (a path) is named once, not repeated
      EXPECT_EQ(message.find(message.substr(0, colon), colon), std::string::npos) << message;
    }
    for (const std::string& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos)
          << "message: " << message << "\nlacks: " << part;
    }
    return;
  } catch (const std::exception& other) {
    ADD_FAILURE() << "expected InputError, got: " << other.what();
    return;
  }
  ADD_FAILURE() << "expected InputError, nothing was thrown";
}

}  // namespace nnbench::testing
