// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `key=value` arguments (`-X`, `--config`): split at the first `=`, key non-empty.
enum KeyValue {
    /// The pair, or nil when `text` has no `=` or an empty key.
    static func split(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Every pair; a usage error naming `option` and an example otherwise.
    static func pairs(_ texts: [String], option: String, example: String) throws -> [(String, String)] {
        try texts.map { text in
            guard let pair = split(text) else {
                throw ValidationError("\(option) \(text): expected key=value, e.g. \(option) \(example)")
            }
            return pair
        }
    }
}
