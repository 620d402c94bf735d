// SPDX-License-Identifier: Apache-2.0
/// Hypha's consumer groups: one per server, `hypha_server_<server id>`.
public enum HyphaGroup {
    /// `hypha_server_`.
    public static let prefix = "hypha_server_"

    /// The group of a server.
    public static func forServer(_ serverID: String) -> String { prefix + serverID }

    /// The server id a group belongs to; nil for groups that are not Hypha's.
    public static func serverID(fromGroup group: String) -> String? {
        group.hasPrefix(prefix) && group.count > prefix.count ? String(group.dropFirst(prefix.count)) : nil
    }

    /// A command-line argument as a group: a `hypha_server_*` name or an existing
    /// group's exact name stays; anything else is a server id (`1` → `hypha_server_1`).
    public static func resolve(_ argument: String, existing: Set<String>) -> String {
        argument.hasPrefix(prefix) || existing.contains(argument) ? argument : forServer(argument)
    }
}
