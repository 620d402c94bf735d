// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaWire

/// `-o table|wide|json` for listing commands.
enum OutputFormat: String, OutputChoice {
    case table, wide, json

    static let standard = table
    static let help = ArgumentHelp(
        "Output format; wide: the table whole, never fitted to the terminal.", valueName: "format")
}

/// `emit -o text|json`.
enum EmitOutput: String, OutputChoice {
    case text, json

    static let standard = text
    static let help = ArgumentHelp("Output: a summary line, or one JSON line per event.", valueName: "format")
}

/// `probe -o text|json`.
enum ProbeOutput: String, OutputChoice {
    case text, json

    static let standard = text
    static let help = ArgumentHelp("Output format.", valueName: "format")
}

/// `tail -f pretty|jsonl|raw`.
enum TailFormat: String, ExpressibleByArgument, CaseIterable { case pretty, jsonl, raw }

/// Builds the JSON documents of `-o json` (snake_case fields, numbers as numbers,
/// field order fixed).
enum JSONDocument {
    static func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func number(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }
    static func numbers(_ values: [Int32]) -> JSONValue { .array(values.map { number($0) }) }

    /// The document as one line of text.
    static func line(_ value: JSONValue) -> String {
        String(decoding: value.compactJSON(), as: UTF8.self) + "\n"
    }
}
