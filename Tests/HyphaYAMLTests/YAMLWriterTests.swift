// SPDX-License-Identifier: Apache-2.0
import HyphaYAML
import Testing

/// Strings that a careless writer turns into something else: YAML 1.1 and 1.2
/// nulls, booleans, numbers and dates, indicators, comments, odd whitespace.
let trickyStrings: [String] = [
    "", "~", "null", "Null", "NULL",
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    "0", "0123", "0x1F", "0o17", "0b101", "1_000", "1e3", "1.5", ".5", "1.", "-1", "+1", "-0", "12e-3",
    ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "60:30", "1:20:30.5", "._5", "_",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "<<", "=",
    " leading", "trailing ", " ", "  ",
    "*a", "&a", "!a", "!!str", "|", "|a", ">", ">a", "'a", "\"a", "%a", "@a", "`a",
    "-", "- a", "---", "--- a", "...", "... a", "?", "? a", "?a", ":", ":a", "#", "#a",
    "[", "[a]", "]", "{", "{a: b}", "}", ",", ",a",
    "a: b", "x #y", "a:", "a :", "a\tb",
    "hello", "hypha_event_test", "ghcr.io/amun-ai/hypha:0.21.137", "PLAINTEXT://kafka:29092",
    "${HYPHA_JWT_SECRET:?set it}", "--enable-server-apps", "500m", "1Gi", "127.0.0.1:9092:9092",
    "line1\nline2", "line1\nline2\n", "line1\nline2\n\n", "\n", "\n\n", "\nstarts with a break",
    "  indented first line\nnext", "line \nwith a trailing space", "ends with a space\n ",
    "---\n...\n# not a comment\n", "tab\there", "tab\tin\nlines\n", "cr\r\nlf", "a\u{2028}b", "a\u{85}b",
    "emoji 🚀", "naïve", "日本語", "\u{7}bell", "nul\u{0}byte", "\u{FEFF}bom", "\u{A0}nbsp",
]

/// A YAML 1.1 (PyYAML's resolvers, plus the spec's `y`/`n`) or YAML 1.2 core
/// schema reading of a plain scalar as something other than a string.
func readsAsNonString(_ text: String) throws -> Bool {
    let patterns = [
        // YAML 1.1
        "~|null|Null|NULL|",
        "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
        "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
        #"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"#
            + #"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"#,
        #"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"#,
        "<<|=",
        // YAML 1.2 core schema
        "[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
        #"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN"#,
    ]
    for pattern in patterns where try text.wholeMatch(of: Regex("(?:\(pattern))")) != nil {
        return true
    }
    return false
}

/// Writes `value` under one key and reads back the scalar with `YAMLReader`.
func readBack(_ value: YAMLValue) throws -> (text: String, plain: Bool) {
    let yaml = YAMLWriter.document(.mapping([("k", value)]))
    guard case .mapping(let pairs, _)? = try YAMLReader.read(yaml), pairs.count == 1,
        case .scalar(let text, let plain, _) = pairs[0].value
    else {
        Issue.record("not a one-key mapping of a scalar: \(yaml.debugDescription)")
        return ("", false)
    }
    return (text, plain)
}

@Suite("YAML writer")
struct YAMLWriterTests {
    @Test("a nested document, byte for byte")
    func nestedGolden() {
        let value: YAMLValue = [
            "name": "demo",
            "replicas": 2,
            "enabled": true,
            "owner": .null,
            "containers": [
                ["name": "hypha", "args": ["--host=0.0.0.0", "--port=9527"], "env": [:]],
                ["name": "kafka", "ports": [9092, "9093"], "volumes": []],
            ],
            "labels": [:],
            "matrix": [[1, 2], []],
        ]
        #expect(
            YAMLWriter.document(value) == """
                name: demo
                replicas: 2
                enabled: true
                owner: null
                containers:
                - name: hypha
                  args:
                  - --host=0.0.0.0
                  - --port=9527
                  env: {}
                - name: kafka
                  ports:
                  - 9092
                  - "9093"
                  volumes: []
                labels: {}
                matrix:
                - - 1
                  - 2
                - []

                """)
    }

    @Test("empty collections and scalars at the root")
    func roots() {
        #expect(YAMLWriter.document([:]) == "{}\n")
        #expect(YAMLWriter.document([]) == "[]\n")
        #expect(YAMLWriter.document("hello") == "hello\n")
        #expect(YAMLWriter.document("") == "\"\"\n")
        #expect(YAMLWriter.document(.null) == "null\n")
        #expect(YAMLWriter.document(-7) == "-7\n")
        #expect(YAMLWriter.document(false) == "false\n")
        #expect(YAMLWriter.document("a\n---\nb\n") == "|\n  a\n  ---\n  b\n")
    }

    @Test("a string reads back as the same string, never as another type", arguments: trickyStrings)
    func roundTrip(string: String) throws {
        let (text, plain) = try readBack(.string(string))
        #expect(text == string)
        if plain {
            #expect(try !readsAsNonString(text), "written plain but reads as another type")
        }
    }

    @Test("keys follow the same rules", arguments: trickyStrings)
    func keyRoundTrip(string: String) throws {
        let yaml = YAMLWriter.document([string: "v", "other": "w"])
        guard case .mapping(let pairs, _)? = try YAMLReader.read(yaml), pairs.count == 2,
            case .scalar(let text, let plain, _) = pairs[0].key
        else {
            Issue.record("not a two-key mapping: \(yaml.debugDescription)")
            return
        }
        #expect(text == string)
        #expect(pairs[0].value.scalarText == "v" && pairs[1].key.scalarText == "other")
        if plain {
            #expect(try !readsAsNonString(text))
        }
    }

    @Test("the oracle itself: every non-string form of the table is caught")
    func oracleCatchesNonStrings() throws {
        for text in [
            "", "~", "NULL", "y", "No", "on", "OFF", "0123", "0x1F", "0o17", "0b101", "1_000", "1e3", "1.5",
            ".5", "-1", "+1", ".inf", "-.Inf", ".nan", "60:30", "2001-12-14", "<<", "=",
        ] {
            #expect(try readsAsNonString(text), "\(text.debugDescription)")
        }
        for text in ["hello", "naïve", "1Gi", "on-call", "yes please"] {
            #expect(try !readsAsNonString(text), "\(text.debugDescription)")
        }
    }

    @Test(
        "ordinary text stays plain",
        arguments: [
            "hello", "hypha_event_test", "ghcr.io/amun-ai/hypha:0.21.137", "PLAINTEXT://kafka:29092",
            "${HYPHA_JWT_SECRET:?set it}", "--enable-server-apps", "-Xmx1g", "500m", "1Gi", "naïve", "日本語",
            "unless-stopped", "service_healthy", "a#b", "a:b", "x,y", "on-call", "yes please", "/health/liveness",
        ])
    func plainWhenSafe(string: String) throws {
        let (text, plain) = try readBack(.string(string))
        #expect(text == string)
        #expect(plain)
        #expect(YAMLWriter.document(["k": .string(string)]) == "k: \(string)\n")
    }

    // Each expected text below was loaded with PyYAML's safe_load (YAML 1.1) and
    // ruamel.yaml's safe loader (YAML 1.2): both give back the original string.
    @Test(
        "quoting and block styles, as PyYAML and ruamel.yaml confirmed them",
        arguments: [
            ("on", #"k: "on""#),
            ("N", #"k: "N""#),
            ("~", #"k: "~""#),
            ("", #"k: """#),
            ("0123", #"k: "0123""#),
            ("0o17", #"k: "0o17""#),
            ("1_000", #"k: "1_000""#),
            ("60:30", #"k: "60:30""#),
            ("-.Inf", #"k: "-.Inf""#),
            ("2001-12-14", #"k: "2001-12-14""#),
            ("<<", #"k: "<<""#),
            ("- a", #"k: "- a""#),
            ("a: b", #"k: "a: b""#),
            ("x #y", #"k: "x #y""#),
            (" leading", #"k: " leading""#),
            ("trailing ", #"k: "trailing ""#),
            ("tab\there", #"k: "tab\there""#),
            ("emoji 🚀", #"k: "emoji \U0001F680""#),
            ("\u{7}bell", #"k: "\abell""#),
            ("line1\nline2", "k: |-\n  line1\n  line2"),
            ("line1\nline2\n", "k: |\n  line1\n  line2"),
            ("line1\nline2\n\n", #"k: "line1\nline2\n\n""#),
            ("line \nwith a trailing space", #"k: "line \nwith a trailing space""#),
            ("  indented first line\nnext", "k: |2-\n    indented first line\n  next"),
            ("cr\r\nlf", #"k: "cr\r\nlf""#),
        ])
    func confirmedStyles(string: String, expected: String) {
        #expect(YAMLWriter.document(["k": .string(string)]) == expected + "\n")
    }

    @Test("multi-line strings: `|` keeps one final newline, `|-` none, and no \"...\" marker")
    func literalBlocks() throws {
        for string in ["a\nb", "a\nb\n", "  a\n b\n", "a\n\nb\n", "x: y\n# z\n- w\n"] {
            let yaml = YAMLWriter.document(["k": .string(string)])
            #expect(yaml.hasPrefix("k: |"), "\(yaml.debugDescription)")
            #expect(!yaml.contains("..."))
            #expect(try readBack(.string(string)).text == string)
        }
        // More than one final newline would need `|+`, which libyaml follows with "...".
        #expect(YAMLWriter.document(["k": "a\n\n"]) == "k: \"a\\n\\n\"\n")
        #expect(YAMLWriter.document(["k": "\n"]) == "k: \"\\n\"\n")
    }

    @Test("long lines are not folded")
    func noFolding() throws {
        let long = (1...60).map { "word\($0)" }.joined(separator: " ")
        let quoted = long + " "
        #expect(YAMLWriter.document(["k": .string(long)]) == "k: \(long)\n")
        #expect(YAMLWriter.document(["k": .string(quoted)]) == "k: \"\(quoted)\"\n")
        #expect(try readBack(.string(long)) == (long, true))
    }

    @Test("ints, booleans and null are plain and read back as such")
    func nonStrings() throws {
        #expect(try readBack(42) == ("42", true))
        #expect(try readBack(-9_223_372_036_854_775_808) == ("-9223372036854775808", true))
        #expect(try readBack(true) == ("true", true))
        #expect(try readBack(false) == ("false", true))
        #expect(try readBack(.null) == ("null", true))
        #expect(try readBack("42") == ("42", false))
        #expect(try readBack("true") == ("true", false))
    }

    @Test("several documents, separated by \"---\" lines")
    func multipleDocuments() {
        let objects: [YAMLValue] = [
            ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "kafka"]],
            ["apiVersion": "apps/v1", "kind": "StatefulSet", "spec": ["replicas": 3]],
        ]
        #expect(
            YAMLWriter.documents(objects) == """
                apiVersion: v1
                kind: Service
                metadata:
                  name: kafka
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                spec:
                  replicas: 3

                """)
        #expect(YAMLWriter.documents([objects[0]]) == YAMLWriter.document(objects[0]))
        #expect(YAMLWriter.documents([]) == "")
        #expect(YAMLWriter.documents([["k": "a\n"], ["k": "b"]]) == "k: |\n  a\n---\nk: b\n")
    }

    @Test("the same value gives the same bytes")
    func deterministic() {
        let value: YAMLValue = .mapping(trickyStrings.enumerated().map { ("key\($0.offset)", .string($0.element)) })
        let first = YAMLWriter.document(value)
        #expect(first == YAMLWriter.document(value))
        #expect(YAMLWriter.documents([value, value]) == first + "---\n" + first)
    }

    @Test("values: literals build them, mappings compare in order")
    func values() {
        let literal: YAMLValue = ["b": 1, "a": [true, "x", [:]]]
        #expect(literal == .mapping([("b", .int(1)), ("a", .sequence([.bool(true), .string("x"), .mapping([])]))]))
        #expect(literal != ["a": [true, "x", [:]], "b": 1])
        #expect(literal != ["b": 1])
        #expect(YAMLValue.string("1") != .int(1))
        #expect(YAMLValue.null == .null)
    }
}
