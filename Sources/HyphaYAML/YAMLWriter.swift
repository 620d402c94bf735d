// SPDX-License-Identifier: Apache-2.0
import CYAML

/// Writes `YAMLValue`s as YAML text through libyaml's emitter.
///
/// Block style with a 2-space indent, UTF-8 written as is, `\n` line breaks, no
/// line folding. Sequences under a mapping key are not indented (libyaml's only
/// layout: `key:` then `- item` in the key's column). Strings are plain only when
/// no YAML 1.1 or 1.2 reader could take them for anything but that string;
/// multi-line strings become literal blocks (`|`) when that reads back exactly;
/// everything else is double-quoted, escaped by libyaml. The same value always
/// gives the same bytes.
package enum YAMLWriter {
    /// One document, through libyaml's emitter (yaml_emitter_* event API), block
    /// style, 2-space indent, unicode allowed, "\n" line breaks, ending in a
    /// newline, no "---" / "..." markers for a single document.
    package static func document(_ value: YAMLValue) -> String {
        emit([value])
    }

    /// Several documents separated by "---" lines (for Kubernetes multi-object
    /// files). The first document has no marker; no documents give "".
    package static func documents(_ values: [YAMLValue]) -> String {
        emit(values)
    }

    private static func emit(_ documents: [YAMLValue]) -> String {
        var output: [UInt8] = []
        withUnsafeMutablePointer(to: &output) { outputArray in
            withUnsafeTemporaryAllocation(of: yaml_emitter_t.self, capacity: 1) { storage in
                let emitter = storage.baseAddress!
                guard yaml_emitter_initialize(emitter) == 1 else { fatalError("libyaml: out of memory") }
                defer { yaml_emitter_delete(emitter) }
                // libyaml's other output is a fixed-size buffer that fails when full;
                // a write handler lets the output grow instead. It is the one C
                // callback here: a closure that captures nothing (so it converts to
                // a C function pointer) and finds the array through `data`, which
                // stays valid for as long as `emitter` lives.
                yaml_emitter_set_output(
                    emitter,
                    { data, bytes, count in
                        guard let data else { return 0 }
                        if let bytes, count > 0 {
                            data.assumingMemoryBound(to: [UInt8].self).pointee
                                .append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                        }
                        return 1
                    }, outputArray)
                yaml_emitter_set_unicode(emitter, 1)
                yaml_emitter_set_indent(emitter, 2)
                yaml_emitter_set_width(emitter, -1) // never fold long lines
                yaml_emitter_set_break(emitter, YAML_LN_BREAK)

                let events = EventWriter(emitter: emitter)
                events.emit { yaml_stream_start_event_initialize($0, YAML_UTF8_ENCODING) }
                for document in documents {
                    // Implicit start: libyaml writes "---" before every document but the first.
                    events.emit { yaml_document_start_event_initialize($0, nil, nil, nil, 1) }
                    events.write(document)
                    events.emit { yaml_document_end_event_initialize($0, 1) }
                }
                events.emit { yaml_stream_end_event_initialize($0) }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Turns values into libyaml events and hands them to the emitter.
///
/// The emitter only fails on events it cannot write; the writer builds none of
/// those (no anchors, no tags, valid UTF-8, styles it accepts), so a failure is a
/// bug here, and traps with libyaml's reason.
private struct EventWriter {
    let emitter: UnsafeMutablePointer<yaml_emitter_t>

    func emit(_ initialize: (UnsafeMutablePointer<yaml_event_t>) -> Int32) {
        var event = yaml_event_t()
        guard initialize(&event) == 1 else { fatalError("libyaml could not build an event (out of memory?)") }
        // The emitter owns the event from here, and frees it even on failure.
        guard yaml_emitter_emit(emitter, &event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown error"
            fatalError("libyaml's emitter refused an event: \(problem)")
        }
    }

    func write(_ value: YAMLValue) {
        switch value {
        case .string(let text):
            scalar(text, style: ScalarStyle(for: text))
        case .int(let number):
            scalar(String(number), style: .plain)
        case .bool(let flag):
            scalar(flag ? "true" : "false", style: .plain)
        case .null:
            scalar("null", style: .plain)
        case .sequence(let items):
            // Block style cannot write an empty collection: `[]` and `{}` are flow.
            let style = items.isEmpty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE
            emit { yaml_sequence_start_event_initialize($0, nil, nil, 1, style) }
            for item in items { write(item) }
            emit { yaml_sequence_end_event_initialize($0) }
        case .mapping(let pairs):
            let style = pairs.isEmpty ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE
            emit { yaml_mapping_start_event_initialize($0, nil, nil, 1, style) }
            for (key, item) in pairs {
                scalar(key, style: ScalarStyle(for: key))
                write(item)
            }
            emit { yaml_mapping_end_event_initialize($0) }
        }
    }

    private func scalar(_ text: String, style: ScalarStyle) {
        var bytes = Array(text.utf8)
        let length = bytes.count
        guard let length = Int32(exactly: length) else {
            fatalError("a YAML scalar of \(length) bytes is too long for libyaml")
        }
        bytes.append(0) // never an empty buffer: libyaml wants a non-null pointer
        bytes.withUnsafeMutableBufferPointer { buffer in
            // Both implicit flags set: no tag is written, whatever the style.
            emit { yaml_scalar_event_initialize($0, nil, nil, buffer.baseAddress, length, 1, 1, style.libyaml) }
        }
    }
}

/// How one string is written.
enum ScalarStyle: Equatable {
    /// Unquoted: only for text that reads back as that string under YAML 1.1 and
    /// 1.2 (core and JSON schemas) alike.
    case plain
    /// A `|` block: multi-line text libyaml writes and reads back exactly.
    case literal
    /// `"…"`, escaped by libyaml: anything else.
    case doubleQuoted

    /// The style for `text`; when in doubt, quoted.
    init(for text: String) {
        let scalars = Array(text.unicodeScalars)
        if scalars.contains("\n") {
            self = Self.fitsLiteral(scalars) ? .literal : .doubleQuoted
        } else {
            self = Self.fitsPlain(scalars) ? .plain : .doubleQuoted
        }
    }

    var libyaml: yaml_scalar_style_t {
        switch self {
        case .plain: YAML_PLAIN_SCALAR_STYLE
        case .literal: YAML_LITERAL_SCALAR_STYLE
        case .doubleQuoted: YAML_DOUBLE_QUOTED_SCALAR_STYLE
        }
    }

    /// Characters libyaml writes raw and every reader takes as ordinary text:
    /// libyaml's "printable" set (it escapes the rest, including every character
    /// above U+FFFF) without tabs and without U+2028/U+2029, which YAML 1.1 reads
    /// as line breaks.
    private static func isOrdinary(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: true
        case 0x2028, 0x2029, 0xFEFF: false
        case 0xA0...0xD7FF, 0xE000...0xFFFD: true
        default: false
        }
    }

    /// A literal block keeps every character of its lines and its line breaks,
    /// as long as: no line ends in a space (libyaml refuses that, and readers
    /// would not keep it), no other breaks or control characters (`\r` would be
    /// read back as `\n`), not only line breaks, and at most one final `\n`
    /// (more needs keep-chomping `|+`, after which libyaml ends the stream
    /// with a "..." marker).
    private static func fitsLiteral(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.allSatisfy({ $0 == "\n" || isOrdinary($0) }) else { return false }
        guard scalars.contains(where: { $0 != "\n" }) else { return false }
        guard scalars.last != " " else { return false }
        if scalars.count >= 2, scalars[scalars.count - 1] == "\n", scalars[scalars.count - 2] == "\n" { return false }
        for (index, scalar) in scalars.enumerated() where scalar == "\n" && index > 0 && scalars[index - 1] == " " {
            return false
        }
        return true
    }

    /// Words a YAML 1.1 or 1.2 reader resolves to null, a boolean, a number, or
    /// a merge (`<<`) or value (`=`) key; compared lowercased, so that `yEs` is
    /// quoted too.
    private static let reservedWords: Set<String> = [
        "~", "null",
        "y", "yes", "n", "no", "true", "false", "on", "off",
        ".inf", ".nan", "inf", "nan", "infinity", ".infinity",
        "<<", "=",
    ]

    /// Indicators that may not start a plain scalar (`-` has its own rule).
    private static let leadingIndicators: Set<Unicode.Scalar> = [
        "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`",
    ]

    /// The characters of every YAML 1.1/1.2 integer, float, sexagesimal and date
    /// form (after an optional sign, each starts with a digit, `.` or `_`).
    private static let numberCharacters = Set("0123456789abcdefABCDEFxXoO_.:+-".unicodeScalars)

    private static func fitsPlain(_ scalars: [Unicode.Scalar]) -> Bool {
        guard let first = scalars.first, let last = scalars.last else { return false }
        guard scalars.allSatisfy(isOrdinary) else { return false }
        guard first != " ", last != " ", last != ":" else { return false }
        guard !leadingIndicators.contains(first) else { return false }
        // `-` starts plain text only as `-x` or `--x` with a letter: that rules
        // out "- ", "-", "---" (a document marker) and negative numbers.
        if first == "-" {
            let rest = scalars.dropFirst().drop(while: { $0 == "-" })
            guard scalars.count - rest.count <= 2, let next = rest.first, isLetter(next) else { return false }
        }
        if scalars.starts(with: "...".unicodeScalars) { return false } // a document end marker
        for (index, scalar) in scalars.enumerated().dropFirst() {
            // ": " starts a value and " #" a comment.
            if scalar == " " && scalars[index - 1] == ":" { return false }
            if scalar == "#" && scalars[index - 1] == " " { return false }
        }
        let text = String(String.UnicodeScalarView(scalars))
        if reservedWords.contains(text.lowercased()) { return false }
        let unsigned = (first == "+" || first == "-") ? scalars.dropFirst() : scalars[...]
        if reservedWords.contains(String(String.UnicodeScalarView(unsigned)).lowercased()) { return false }
        if looksNumeric(unsigned) || looksLikeDate(scalars) { return false }
        return true
    }

    /// `1`, `0x1F`, `0o17`, `1_000`, `1e3`, `.5`, `60:30`, `2001-12-14`, … — and
    /// also harmless look-alikes such as `0.21.137`, which are quoted too.
    private static func looksNumeric(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = scalars.first else { return false }
        // Not only a digit: PyYAML reads `._5` as a float, ruamel.yaml `_` as an
        // integer (and fails on it).
        return (isDigit(first) || first == "." || first == "_") && scalars.allSatisfy(numberCharacters.contains)
    }

    /// YAML 1.1 timestamps start `yyyy-m-d`; any text that starts that way is quoted.
    private static func looksLikeDate(_ scalars: [Unicode.Scalar]) -> Bool {
        scalars.count >= 6 && scalars[0..<4].allSatisfy(isDigit) && scalars[4] == "-" && isDigit(scalars[5])
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
