// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// The check every event name given on the command line passes: Hypha names
/// its topics after events, and an empty or blank name would make a topic
/// (`hypha_event_`) that no server uses.
enum EventNameArgument {
    /// Throws a usage error when a name is empty or only white space.
    static func check(_ names: [String], as what: String = "an event name") throws {
        for name in names where name.allSatisfy(\.isWhitespace) {
            throw ValidationError(
                name.isEmpty ? "\(what) cannot be empty" : "\(what) cannot be only white space ('\(name)')")
        }
    }
}
