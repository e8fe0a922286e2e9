// The JSON-lines trace writer: record shapes, the stable hash, MPU de-duplication, the summary.
#include <gtest/gtest.h>

#include <sstream>

#include "emu/trace/console.hpp"
#include "emu/trace/json.hpp"
#include "emu/trace/trace_writer.hpp"

using namespace tockemu;
using namespace tockemu::trace;

namespace {

const tock::TockView& empty_view() {
    static tock::TockView v([](std::uint32_t, std::span<std::uint8_t>) { return false; });
    return v;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string l; std::getline(ss, l);) out.push_back(l);
    return out;
}

void feed(TraceWriter& w) {
    w.on_machine(Event{1000, 10, IrqEvent{5, true}});
    w.on_console_line(2000, 0, "Hello \"world\"\t!");
    tock::Syscall call = tock::decode_syscall(2, {2, 1, 0, 0});
    w.on_tock(tock::TockEvent{3000, 30, tock::SyscallMade{tock::kNoProcess, 0x30100, call}});
}

}  // namespace

TEST(Json, QuotesControlCharactersAndQuotes) {
    EXPECT_EQ(json_quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
    JsonObject o;
    o.field("n", std::uint64_t{5}).field("s", "x").field("b", true).hex("h", 0x30000);
    EXPECT_EQ(o.str(), "{\"n\":5,\"s\":\"x\",\"b\":true,\"h\":\"0x00030000\"}");
}

TEST(TraceWriter, WritesOneJsonObjectPerLineWithTimeAndKind) {
    std::ostringstream out;
    TraceWriter w(empty_view(), &out);
    feed(w);
    const auto l = lines(out.str());
    ASSERT_EQ(l.size(), 3u);
    EXPECT_EQ(l[0], "{\"t_ps\":1000,\"insn\":10,\"ev\":\"irq\",\"irq\":5,\"level\":true}");
    EXPECT_EQ(l[1],
              "{\"t_ps\":2000,\"insn\":0,\"ev\":\"console\",\"usart\":0,\"text\":\"Hello "
              "\\\"world\\\"\\t!\"}");
    EXPECT_NE(l[2].find("\"ev\":\"syscall\",\"proc\":null,\"class\":\"command\",\"driver\":2,"
                        "\"num\":1"),
              std::string::npos);
    EXPECT_NE(l[2].find("\"text\":\"command led.on(0, 0)\""), std::string::npos);
    EXPECT_EQ(w.records(), 3u);
}

TEST(TraceWriter, HashIsTheSameForTheSameRecordsWithOrWithoutAFile) {
    std::ostringstream out;
    TraceWriter a(empty_view(), &out), b(empty_view(), nullptr), c(empty_view(), nullptr);
    feed(a);
    feed(b);
    feed(c);
    c.on_machine(Event{4000, 40, IrqEvent{5, false}});
    EXPECT_EQ(a.hash(), b.hash());
    EXPECT_NE(a.hash(), c.hash());
    EXPECT_EQ(a.hash().size(), std::string("fnv1a64:").size() + 16);
}

TEST(TraceWriter, MpuRecordOnlyWhenTheRegionsChange) {
    std::ostringstream out;
    TraceWriter w(empty_view(), &out);
    MpuConfigEvent cfg{};
    cfg.ctrl = 5;
    cfg.rbar[0] = 0x20008000;
    cfg.rasr[0] = (1u << 28) | (3u << 24) | (12u << 1) | 1u;  // 8 KiB, RW, XN
    w.on_machine(Event{1, 1, cfg});
    cfg.ctrl = 4;  // the kernel disables the MPU after the trap: same regions
    w.on_machine(Event{2, 2, cfg});
    cfg.rasr[0] |= 0xC000;  // two subregions disabled
    w.on_machine(Event{3, 3, cfg});
    const auto l = lines(out.str());
    ASSERT_EQ(l.size(), 2u);
    EXPECT_NE(l[0].find("{\"n\":0,\"base\":\"0x20008000\",\"size\":8192,\"ap\":3,\"xn\":true,"
                        "\"srd\":\"0x00\"}"),
              std::string::npos);
    EXPECT_NE(l[1].find("\"srd\":\"0xc0\""), std::string::npos);
}

TEST(ConsoleCapture, LinesAndByteTimes) {
    ConsoleCapture c;
    std::vector<std::string> got;
    c.on_line([&](Picos, std::string_view l) { got.emplace_back(l); });
    for (char ch : std::string("ab\r\ncd"))
        c.on_byte(got.size() * 100 + 5, static_cast<std::uint8_t>(ch));
    c.flush(999);
    EXPECT_EQ(got, (std::vector<std::string>{"ab", "cd"}));
    EXPECT_EQ(c.normalized(), "ab\ncd");
    EXPECT_EQ(c.time_of(4), 105u);
}

TEST(TraceWriter, InterruptsTakenAreRecordedWithWhatTheyPreempted) {
    std::ostringstream out;
    TraceWriter w(empty_view(), &out);
    w.on_machine(
        Event{10, 1, ExceptionEntryEvent{16 + 7, 0x10000, 0x20000f00, true, false, false}});
    w.on_machine(Event{20, 2, ExceptionEntryEvent{15, 0x10000, 0x20000f00, true, false, false}});
    w.on_machine(Event{30, 3, ExceptionEntryEvent{11, 0x10000, 0x20000f00, true, false, false}});
    const auto l = lines(out.str());
    ASSERT_EQ(l.size(), 2u) << "SVC entries are the Tock view's, not trace records";
    EXPECT_EQ(l[0],
              "{\"t_ps\":10,\"insn\":1,\"ev\":\"irq_taken\",\"irq\":7,\"preempted\":\"kernel\"}");
    EXPECT_EQ(l[1], "{\"t_ps\":20,\"insn\":2,\"ev\":\"systick\",\"preempted\":\"kernel\"}");
}
