// SPDX-License-Identifier: Apache-2.0
extension HyphaTopic {
    /// A shell glob over event names, rewritten to match the event part of
    /// topics made by ``forEvent(_:)``'s mapping rule (the topic minus
    /// `hypha_event_`): each character a topic cannot hold becomes `_`, as the rule
    /// makes it, and the glob must be followed by `.` and 16 hex digits, the hash.
    ///
    /// So `ws-1/*` becomes `ws-1_*.[0-9a-f]…` and matches the topics of
    /// `ws-1/alice:msg` and `ws-1/*:msg`. A mapped topic keeps no more than its
    /// sanitised name, so names that differ only in illegal characters
    /// (`ws-1/a` and `ws-1:a`) match alike. `*` and `?` stay wildcards; an escaped
    /// character (`\*`) is that character; a bracket expression (`[ab]`) keeps its
    /// meaning, its illegal characters as `_` too.
    public static func mappedGlob(_ glob: String) -> String {
        var out = ""
        var scalars = glob.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "*", "?":
                out.unicodeScalars.append(scalar)
            case "\\":
                if let escaped = scalars.popFirst() { out += mapped(escaped) }
            case "[":
                if let end = bracketEnd(scalars) {
                    out += "["
                    for inner in scalars[..<end] {
                        out += "!^".unicodeScalars.contains(inner) ? String(inner) : mapped(inner)
                    }
                    out += "]"
                    scalars = scalars[scalars.index(after: end)...]
                } else {
                    out += "_"
                }
            default:
                out += mapped(scalar)
            }
        }
        return out + "." + String(repeating: "[0-9a-f]", count: hashDigitCount)
    }

    /// The character a mapped topic holds for `scalar`.
    private static func mapped(_ scalar: Unicode.Scalar) -> String {
        scalar.isASCII && isLegalCharacter(UInt8(scalar.value)) ? String(scalar) : "_"
    }

    /// Where the `]` closing a bracket expression is, in what follows its `[`
    /// (a `]` first, or after `!`/`^`, belongs to the set); nil when none does.
    private static func bracketEnd(_ scalars: Substring.UnicodeScalarView) -> String.Index? {
        var index = scalars.startIndex
        if index < scalars.endIndex, scalars[index] == "!" || scalars[index] == "^" {
            index = scalars.index(after: index)
        }
        if index < scalars.endIndex, scalars[index] == "]" { index = scalars.index(after: index) }
        return scalars[index...].firstIndex(of: "]")
    }
}
