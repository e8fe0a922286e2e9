#pragma once
// The outcome type HIL calls and callbacks use: the core's Status (success, or one of Tock's
// ErrorCodes), like Tock's Result<(), ErrorCode>.
#include "core/error_code.hpp"

namespace hil {

using kernel::ErrorCode;
using kernel::Status;

}  // namespace hil
