#include "capsules/process_console.hpp"

#include "core/debug.hpp"
#include "core/process_management.hpp"

namespace capsules {
namespace {

namespace pm = kernel::process_management;

constexpr char kPrompt[] = "tock$ ";
constexpr char kCommandList[] =
    "help status list stop start fault boot terminate process kernel reset panic console-start "
    "console-stop";
constexpr std::uint8_t kBackspace = 0x08;
constexpr std::uint8_t kDelete = 0x7F;
constexpr std::uint8_t kEscape = 0x1B;

bool equals(const char* a, std::size_t a_len, const char* b) {
    std::size_t i = 0;
    for (; i < a_len; ++i) {
        if (b[i] == '\0' || a[i] != b[i]) return false;
    }
    return b[i] == '\0';
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// A fixed-size line with the column formatting kprintf lacks (left-justified fields).
class Line {
  public:
    void text(const char* s, std::size_t n, std::size_t width) {
        std::size_t i = 0;
        for (; i < n; ++i) put(s[i]);
        for (; i < width; ++i) put(' ');
    }
    void text(const char* s, std::size_t width) {
        std::size_t n = 0;
        while (s[n] != '\0') ++n;
        text(s, n, width);
    }
    // Right-aligned decimal.
    void number(std::uint32_t v, std::size_t width) {
        char digits[10];
        std::size_t n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (std::size_t i = n; i < width; ++i) put(' ');
        while (n > 0) put(digits[--n]);
    }
    void hex(std::uint32_t v) {
        put('0');
        put('x');
        bool started = false;
        for (int shift = 28; shift >= 0; shift -= 4) {
            const unsigned d = (v >> shift) & 0xF;
            if (d == 0 && !started && shift != 0) continue;
            started = true;
            put(static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10));
        }
    }
    // Left-justified columns of variable content: mark the start, write, then pad to `width`
    // (the next column starts where this one ends).
    void column_start() { column_ = len_; }
    void pad_column(std::size_t width) {
        while (len_ < column_ + width) put(' ');
        column_ = len_;
    }
    void flush() {
        put('\r');
        put('\n');
        kernel::debug_write(buffer_, len_);
        len_ = 0;
    }

  private:
    void put(char c) {
        if (len_ < sizeof(buffer_)) buffer_[len_++] = c;
    }
    char buffer_[128] = {};
    std::size_t len_ = 0;
    std::size_t column_ = 0;
};

}  // namespace

void ProcessConsole::start() {
    alarm_.set_alarm_client(this);
    // 100 ms in the alarm's declared frequency (1600 ticks on Hail, as upstream).
    alarm_.set_alarm(alarm_.now(), alarm_.frequency() / 10);
}

void ProcessConsole::alarm_fired() {
    if (started_) return;
    started_ = true;
    uart_.set_receive_client(this);
    receive_next();
    prompt();
}

void ProcessConsole::prompt() {
    kernel::debug_write(kPrompt, sizeof(kPrompt) - 1);
}

void ProcessConsole::receive_next() {
    uart_.receive_buffer(&rx_byte_, 1);
}

void ProcessConsole::received_buffer(std::uint8_t*, std::size_t length, hil::Status status) {
    if (status.is_ok() && length == 1) handle_byte(rx_byte_);
    receive_next();
}

void ProcessConsole::handle_byte(std::uint8_t c) {
    if (escape_ != Escape::kNone) {
        handle_escape(c);
        return;
    }
    const bool after_cr = last_was_cr_;
    last_was_cr_ = c == '\r';
    if (c == '\n' && after_cr) return;
    if (c == '\r' || c == '\n') {
        if (!hibernating_) kernel::debug_write("\r\n", 2);
        remember_line();
        browse_ = 0;
        execute();
        line_len_ = 0;
        if (!hibernating_) prompt();
        return;
    }
    if (c == kEscape) {
        escape_ = Escape::kGotEsc;
        return;
    }
    if (c == kBackspace || c == kDelete) {
        if (line_len_ > 0) {
            --line_len_;
            if (!hibernating_) kernel::debug_write("\b \b", 3);
        }
        return;
    }
    if (c < 0x20 || c > 0x7E) return;
    if (line_len_ + 1 >= kLineSize) return;
    line_[line_len_++] = static_cast<char>(c);
    if (!hibernating_) {
        const char echo = static_cast<char>(c);
        kernel::debug_write(&echo, 1);
    }
}

void ProcessConsole::handle_escape(std::uint8_t c) {
    if (escape_ == Escape::kGotEsc) {
        escape_ = c == '[' ? Escape::kGotBracket : Escape::kNone;
        return;
    }
    escape_ = Escape::kNone;
    if (hibernating_) return;
    if (c == 'A' && browse_ < history_count_) {
        recall(browse_);
        ++browse_;
    } else if (c == 'B' && browse_ > 0) {
        --browse_;
        if (browse_ == 0) {
            recall(kHistorySize);  // back to an empty line
        } else {
            recall(browse_ - 1);
        }
    }
}

void ProcessConsole::remember_line() {
    if (hibernating_ || line_len_ == 0) return;
    const HistoryEntry& newest = history_[history_newest_];
    if (history_count_ > 0 && newest.len == line_len_ && equals(line_, line_len_, newest.text)) {
        return;  // the same command twice is kept once, as shells do
    }
    history_newest_ = history_count_ == 0 ? 0 : (history_newest_ + 1) % kHistorySize;
    if (history_count_ < kHistorySize) ++history_count_;
    HistoryEntry& entry = history_[history_newest_];
    for (std::size_t i = 0; i < line_len_; ++i) entry.text[i] = line_[i];
    entry.text[line_len_] = '\0';
    entry.len = line_len_;
}

void ProcessConsole::recall(std::size_t age) {
    for (std::size_t i = 0; i < line_len_; ++i) kernel::debug_write("\b \b", 3);
    line_len_ = 0;
    if (age >= history_count_) return;
    const HistoryEntry& entry = history_[(history_newest_ + kHistorySize - age) % kHistorySize];
    for (std::size_t i = 0; i < entry.len; ++i) line_[i] = entry.text[i];
    line_len_ = entry.len;
    kernel::debug_write(line_, line_len_);
}

template <typename F>
void ProcessConsole::with_process(const char* arg, std::size_t arg_len, F&& action) {
    if (arg_len == 0) {
        kernel::kprintf("Please specify a process name.\r\n");
        return;
    }
    const int slot = pm::find_by_name(arg, arg_len);
    if (slot < 0) {
        kernel::kprintf("Process %.*s not found\r\n", static_cast<int>(arg_len), arg);
        return;
    }
    action(static_cast<unsigned>(slot));
}

void ProcessConsole::execute() {
    // Split "<command> <argument>", ignoring surrounding blanks.
    std::size_t i = 0;
    while (i < line_len_ && is_space(line_[i])) ++i;
    const char* cmd = line_ + i;
    while (i < line_len_ && !is_space(line_[i])) ++i;
    const std::size_t cmd_len = static_cast<std::size_t>((line_ + i) - cmd);
    while (i < line_len_ && is_space(line_[i])) ++i;
    const char* arg = line_ + i;
    std::size_t arg_len = line_len_ - i;
    while (arg_len > 0 && is_space(arg[arg_len - 1])) --arg_len;
    const int name_len = static_cast<int>(arg_len);

    if (hibernating_) {
        if (equals(cmd, cmd_len, "console-start")) {
            hibernating_ = false;
            kernel::kprintf("Process console is active again.\r\n");
        }
        return;
    }
    if (cmd_len == 0) return;

    if (equals(cmd, cmd_len, "help")) {
        kernel::kprintf("Welcome to the process console.\r\nValid commands are: %s\r\n",
                        kCommandList);
    } else if (equals(cmd, cmd_len, "status")) {
        status();
    } else if (equals(cmd, cmd_len, "list")) {
        list();
    } else if (equals(cmd, cmd_len, "stop")) {
        with_process(arg, arg_len, [&](unsigned slot) {
            if (pm::stop(slot).is_ok()) kernel::kprintf("Process %.*s stopped\r\n", name_len, arg);
        });
    } else if (equals(cmd, cmd_len, "start")) {
        with_process(arg, arg_len, [&](unsigned slot) {
            if (pm::resume(slot).is_ok())
                kernel::kprintf("Process %.*s resumed.\r\n", name_len, arg);
        });
    } else if (equals(cmd, cmd_len, "fault")) {
        with_process(arg, arg_len, [](unsigned slot) { pm::fault(slot); });
    } else if (equals(cmd, cmd_len, "terminate")) {
        with_process(arg, arg_len, [&](unsigned slot) {
            if (pm::terminate(slot).is_ok()) {
                kernel::kprintf("Process %.*s terminated\r\n", name_len, arg);
            }
        });
    } else if (equals(cmd, cmd_len, "boot")) {
        with_process(arg, arg_len, [](unsigned slot) { pm::boot(slot); });
    } else if (equals(cmd, cmd_len, "process")) {
        with_process(arg, arg_len, [](unsigned slot) { pm::print_process(slot); });
    } else if (equals(cmd, cmd_len, "kernel")) {
        pm::print_kernel();
    } else if (equals(cmd, cmd_len, "reset")) {
        pm::reset_board();
    } else if (equals(cmd, cmd_len, "panic")) {
        pm::panic_now();
    } else if (equals(cmd, cmd_len, "console-stop")) {
        hibernating_ = true;
        kernel::kprintf("Process console stopped; type console-start to reactivate it.\r\n");
    } else if (equals(cmd, cmd_len, "console-start")) {
        // Already active.
    } else {
        kernel::kprintf("Valid commands are: %s\r\n", kCommandList);
    }
}

void ProcessConsole::status() {
    unsigned total = 0;
    unsigned active = 0;
    for (unsigned slot = 0; slot < pm::slot_count(); ++slot) {
        kernel::ProcessSummary s;
        if (!pm::summary(slot, s)) continue;
        ++total;
        if (s.state == kernel::ProcessState::Running || s.state == kernel::ProcessState::Yielded ||
            s.state == kernel::ProcessState::YieldedFor) {
            ++active;
        }
    }
    kernel::kprintf("Total processes: %u\r\nActive processes: %u\r\nTimeslice expirations: %u\r\n",
                    total, active, static_cast<unsigned>(pm::total_timeslice_expirations()));
}

void ProcessConsole::list() {
    Line header;
    header.text(" PID    ShortID    Name                Quanta  Syscalls  Restarts  Grants  State",
                0);
    header.flush();
    for (unsigned slot = 0; slot < pm::slot_count(); ++slot) {
        kernel::ProcessSummary s;
        if (!pm::summary(slot, s)) continue;
        Line row;
        row.text(" ", 0);
        row.column_start();
        row.number(s.id.identifier, 0);
        row.pad_column(7);
        if (s.short_id == 0) {
            row.text("Unique", 0);
        } else {
            row.hex(s.short_id);
        }
        row.pad_column(11);
        row.text(s.name, s.name_len, 20);
        row.number(s.timeslice_expirations, 6);
        row.number(s.syscall_count, 10);
        row.number(s.restart_count, 10);
        row.text("", 2);
        row.number(s.grants_used, 2);
        row.text("/", 0);
        row.number(s.grants_total, 2);
        row.text("", 3);
        if (s.state == kernel::ProcessState::Stopped) {
            row.text("Stopped", 0);
            row.text(kernel::process_state_name(s.stopped_from), 0);
        } else {
            row.text(kernel::process_state_name(s.state), 0);
        }
        row.flush();
    }
}

}  // namespace capsules
