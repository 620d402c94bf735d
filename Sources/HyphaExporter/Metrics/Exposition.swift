// SPDX-License-Identifier: Apache-2.0
/// Prometheus' text exposition format, written straight from one reading: each
/// family's `# HELP` and `# TYPE` once, then its samples in the order added.
///
/// A reading of a large bus has tens of thousands of series (1,000 topics of 4
/// partitions alone make 8,000); a collector registry built afresh for every
/// answer costs more per series the more it holds, so the answer is written
/// here in one pass. Names, label names and help texts are the exporter's own
/// constants; label values (topics, groups, server ids) come from Kafka and are
/// escaped.
struct Exposition {
    private struct Family {
        let help: String
        let type: String
        var samples: [UInt8] = []
    }

    private var families: [(name: String, family: Family)] = []
    private var positions: [String: Int] = [:]

    /// One gauge sample.
    mutating func gauge(_ name: String, labels: [(String, String)] = [], help: String, _ value: Double) {
        add(name, type: "gauge", help: help, labels: labels, value: "\(value)")
    }

    /// One counter sample.
    mutating func counter(_ name: String, help: String, _ value: Int64) {
        add(name, type: "counter", help: help, labels: [], value: "\(value)")
    }

    /// Every family, in the order first added.
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(families.reduce(0) { $0 + $1.family.samples.count + 200 })
        for (name, family) in families {
            bytes.append(contentsOf: "# HELP \(name) ".utf8)
            for byte in family.help.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
                case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
                default: bytes.append(byte)
                }
            }
            bytes.append(contentsOf: "\n# TYPE \(name) \(family.type)\n".utf8)
            bytes.append(contentsOf: family.samples)
        }
        return bytes
    }

    private mutating func add(_ name: String, type: String, help: String, labels: [(String, String)], value: String) {
        let position: Int
        if let known = positions[name] {
            position = known
        } else {
            position = families.count
            positions[name] = position
            families.append((name, Family(help: help, type: type)))
        }
        Self.appendSample(name, labels: labels, value: value, to: &families[position].family.samples)
    }

    private static func appendSample(_ name: String, labels: [(String, String)], value: String, to bytes: inout [UInt8])
    {
        bytes.append(contentsOf: name.utf8)
        if !labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for (index, (label, text)) in labels.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: label.utf8)
                bytes.append(contentsOf: #"=""#.utf8)
                appendEscaped(text, to: &bytes)
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: value.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// A label value: backslash, double quote and line feed escaped.
    private static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            default: bytes.append(byte)
            }
        }
    }
}
