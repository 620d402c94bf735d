// SPDX-License-Identifier: Apache-2.0

/// Where the exporter listens: `HOST:PORT`, `[IPv6]:PORT`, or `:PORT` for every interface.
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A host name or an IP address (IPv6 without brackets).
    package let host: String
    /// The TCP port; 0 lets the system pick a free one.
    package let port: Int

    /// kafka_exporter's address: every interface, port 9308.
    package static let `default` = ListenAddress(host: "0.0.0.0", port: 9308)

    /// An address of these parts.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (= `0.0.0.0:PORT`); nil when it is none of these.
    package init?(parsing text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard host.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            // An IPv6 address needs brackets: which colon ends it is otherwise unclear.
            guard !host.contains(":") else { return nil }
        }
        guard !port.isEmpty, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber), port.count <= 5,
            let number = Int(port), number <= 65535,
            !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "[" || $0 == "]" })
        else { return nil }
        self.host = host.isEmpty ? "0.0.0.0" : String(host)
        self.port = number
    }

    /// `HOST:PORT`, IPv6 hosts in brackets.
    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
