// SPDX-License-Identifier: Apache-2.0
/// An image reference taken apart: `[registry/]path[:tag][@digest]`.
///
/// A mirror keeps the image's path under its own registry (or a prefix), so an
/// image is recognised by the last two parts of its path, e.g. `apache/kafka`.
struct ImageReference: Equatable {
    /// `registry.example.org:5000`, or nil for Docker Hub.
    let registry: String?
    /// The parts between the registry and the tag: `confluentinc`, `cp-kafka`.
    let path: [String]
    let tag: String?
    /// `sha256:…`.
    let digest: String?

    init(_ text: String) {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        } else {
            digest = nil
        }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let last = parts.last, let colon = last.lastIndex(of: ":") {
            tag = String(last[last.index(after: colon)...])
            parts[parts.count - 1] = String(last[..<colon])
        } else {
            tag = nil
        }
        // As Docker tells a registry from a path: a first part with a dot or a port, or localhost.
        if parts.count > 1, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost"
        {
            registry = first
            parts.removeFirst()
        } else {
            registry = nil
        }
        path = parts
    }

    /// The last two parts of the path, as the image is known: `apache/kafka`.
    var repository: String { path.suffix(2).joined(separator: "/") }

    /// The major version of a tag such as `7.4.0` or `7.4.0-1-ubi8`; nil without one.
    var majorVersion: Int? {
        guard let tag else { return nil }
        return Int(tag.prefix { $0.isASCII && $0.isNumber })
    }

    /// The same registry, path and tag with the last part of the path replaced.
    func renamed(_ name: String) -> String {
        let path = self.path.dropLast() + [name]
        return ([registry].compactMap { $0 } + path).joined(separator: "/") + (tag.map { ":\($0)" } ?? "")
    }
}

/// The Kafka images the generated start commands and healthchecks are written for.
enum KafkaImageFamily {
    /// `apache/kafka`: started by `/etc/kafka/docker/run`, tools in `/opt/kafka/bin`; KRaft only.
    case apache
    /// `apache/kafka-native`: `/etc/kafka/docker/run`, but no `/opt/kafka/bin` and no `/var/lib/kafka/data`.
    case apacheNative
    /// `confluentinc/cp-kafka`: started by `/etc/confluent/docker/run`, checked with `cub`.
    case confluent

    init?(_ image: ImageReference) {
        switch image.repository {
        case "apache/kafka": self = .apache
        case "apache/kafka-native": self = .apacheNative
        case "confluentinc/cp-kafka": self = .confluent
        default: return nil
        }
    }
}
