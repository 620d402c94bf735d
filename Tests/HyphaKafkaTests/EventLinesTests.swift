import HyphaKafka
import HyphaWire
import Testing

@Suite("emit --lines input")
struct EventLinesTests {
    @Test("lines are typed like DATA, empty lines skipped, CRLF cut, bytes kept as written")
    func typed() throws {
        let input = Array("{\"a\": 1}\r\n\nplain\n[1,2]\n  {\"b\":2}".utf8)
        let checked = try EventLines(input, as: nil)
        #expect(checked.lines.map(\.type) == [.json, .text, .text, .json])
        #expect(checked.lines.map { String(decoding: input[$0.range], as: UTF8.self) } == [#"{"a": 1}"#, "plain", "[1,2]", #"  {"b":2}"#])
    }

    @Test("the first bad line is named, and nothing is accepted")
    func bad() throws {
        do {
            _ = try EventLines(Array("{}\n\n{\n".utf8), as: .json)
            Issue.record("an invalid line was accepted")
        } catch {
            #expect(error.description.hasPrefix("line 3: not valid JSON"))
        }
        #expect(throws: PayloadInput.Invalid.self) { try EventLines([0x61, 0x0A, 0xC3, 0x28], as: nil) }
        let bytes = try EventLines([0xC3, 0x28], as: .bytes)
        #expect(bytes.lines.count == 1)
    }
}
