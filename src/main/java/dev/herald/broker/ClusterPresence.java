package dev.herald.broker;

import dev.herald.protocol.LeaveReason;
import dev.herald.protocol.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The cluster's rooms' members, as one node keeps its part: each room's members live in a Redis hash that every
 * node writes its own members to, every join and departure is announced on the room's channel, and each node
 * beats a heartbeat into Redis. A node that stops beating is dead: any surviving node with members in one of its
 * rooms removes its members there and announces them as {@code left} with reason {@code node_lost}; the removal is
 * atomic, so exactly one announcement goes out whoever reaps.
 *
 * <p>Timing (protocol.md §7 asks for 15 s): a beat every {@link #BEAT_SECONDS} s, dead after {@link #DEAD_MILLIS}
 * ms of silence, checked at every beat, so a node's death is announced within about 10 s.
 */
final class ClusterPresence {

    private static final Logger LOG = Logger.getLogger(ClusterPresence.class.getName());
    static final long BEAT_SECONDS = 2;
    static final long DEAD_MILLIS = 8_000;

    private final String nodeId;
    private final RedisLink link;
    private final RedisWire wire;
    private final String ttlMillis;
    private final Supplier<String> newEpoch;
    /** The members connected to this node, per room. */
    private final Map<String, Map<String, Member>> local = new ConcurrentHashMap<>();
    /** The nodes heard from recently, as of the last beat; empty until the first one. */
    private volatile Set<String> alive = Set.of();

    /** @param newEpoch a fresh epoch, for a room whose epoch a presence script has to settle first */
    ClusterPresence(String nodeId, RedisLink link, RedisWire wire, long ttlMillis, Supplier<String> newEpoch) {
        this.nodeId = nodeId;
        this.newEpoch = newEpoch;
        this.link = link;
        this.wire = wire;
        this.ttlMillis = Long.toString(ttlMillis);
    }

    /** The node that member {@code id} is connected to: member ids are {@code node-number}. */
    static String nodeOf(String memberId) {
        int dash = memberId.lastIndexOf('-');
        return dash < 0 ? memberId : memberId.substring(0, dash);
    }

    boolean isLocal(String memberId) {
        return nodeOf(memberId).equals(nodeId);
    }

    void joined(String room, Member member) {
        local.computeIfAbsent(room, name -> new ConcurrentHashMap<>()).put(member.id(), member);
        announce(RedisScripts.JOIN, room, member, PresenceChange.joined(member));
    }

    void left(String room, Member member, LeaveReason reason) {
        local.computeIfPresent(room, (name, members) -> {
            members.remove(member.id());
            return members.isEmpty() ? null : members;
        });
        announce(RedisScripts.LEAVE, room, member, PresenceChange.left(member, reason));
    }

    /**
     * The members of other nodes in a room's snapshot that are alive; those of dead nodes are reaped on the way.
     *
     * @param members the snapshot's hash, member id to name
     */
    List<Member> othersAlive(String room, Map<String, String> members) {
        List<Member> others = new ArrayList<>();
        for (Map.Entry<String, String> entry : members.entrySet()) {
            Member member = new Member(entry.getKey(), entry.getValue());
            if (isLocal(member.id())) {
                continue;
            }
            if (isDead(member.id())) {
                reap(room, member);
            } else {
                others.add(member);
            }
        }
        return others;
    }

    /**
     * After the link came back: puts this node's members of {@code room} back where Redis lost them (a restart, a
     * flush) and removes those Redis still has but that left meanwhile.
     */
    void restore(String room, Map<String, String> members) {
        Map<String, Member> here = local.getOrDefault(room, Map.of());
        for (Member member : here.values()) {
            if (!members.containsKey(member.id())) {
                announce(RedisScripts.JOIN, room, member, PresenceChange.joined(member));
            }
        }
        for (Map.Entry<String, String> entry : members.entrySet()) {
            if (isLocal(entry.getKey()) && !here.containsKey(entry.getKey())) {
                Member gone = new Member(entry.getKey(), entry.getValue());
                announce(RedisScripts.LEAVE, room, gone, PresenceChange.left(gone, LeaveReason.CLOSED));
            }
        }
    }

    /** Beats this node's heart, then learns which nodes are alive. */
    CompletableFuture<Void> beat() {
        String[] nodes = {RedisKeys.nodes()};
        return RedisScripts.NODE_BEAT.run(link.commands(), nodes, nodeId)
                .thenCompose(ok -> RedisScripts.NODE_ALIVE.run(link.commands(), nodes, Long.toString(DEAD_MILLIS)))
                .thenAccept(reply -> {
                    Set<String> now = ConcurrentHashMap.newKeySet();
                    reply.forEach(node -> now.add(String.valueOf(node)));
                    alive = now;
                })
                .toCompletableFuture();
    }

    /** Reaps the members of dead nodes among {@code others} (what a room's feed knows of other nodes). */
    void reapDead(String room, List<Member> others) {
        for (Member member : others) {
            if (isDead(member.id())) {
                reap(room, member);
            }
        }
    }

    /** Removes this node's members from every room, telling the others they closed; waits at most 2 s. */
    void leaveAll() {
        List<CompletableFuture<?>> leaving = new ArrayList<>();
        local.forEach((room, members) -> members.values().forEach(member ->
                leaving.add(announce(RedisScripts.LEAVE, room, member, PresenceChange.left(member, LeaveReason.CLOSED)))));
        local.clear();
        try {
            CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
            link.commands().zrem(RedisKeys.nodes(), nodeId).get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The surviving nodes will reap whatever is left, as node_lost, once this node's heartbeat is stale.
            LOG.log(Level.WARNING, "could not remove this node's members from Redis on the way out", e);
        }
    }

    private boolean isDead(String memberId) {
        Set<String> known = alive;
        String node = nodeOf(memberId);
        return !known.isEmpty() && !node.equals(nodeId) && !known.contains(node);
    }

    private void reap(String room, Member member) {
        LOG.info(() -> "member " + member.id() + " of room " + room + " was on node " + nodeOf(member.id())
                + ", which stopped answering: reporting it as node_lost");
        announce(RedisScripts.LEAVE, room, member, PresenceChange.left(member, LeaveReason.NODE_LOST));
    }

    private CompletableFuture<?> announce(RedisScripts.Script script, String room, Member member,
                                          PresenceChange change) {
        try {
            return script.run(link.commands(), RedisKeys.room(room), newEpoch.get(), ttlMillis, member.id(), member.name(),
                            wire.encode(change))
                    .whenComplete((reply, failure) -> {
                        if (failure != null) {
                            // Put right when the link comes back (restore), or by the reaper if this node dies.
                            LOG.log(Level.FINE, "could not announce " + member.id() + " in room " + room, failure);
                        }
                    }).toCompletableFuture();
        } catch (BrokerUnavailableException e) {
            LOG.log(Level.FINE, "could not announce " + member.id() + " in room " + room, e);
            return CompletableFuture.completedFuture(null);
        }
    }
}
