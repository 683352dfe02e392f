package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.RefusalLog;
import io.vaultgate.core.defender.SourceAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one client source may hold open, and refuses addresses the defender has banned or
 * the address lists deny; either is closed before the TLS handshake, so it costs no crypto. A source is what the
 * defender scores and bans ({@link SourceAddress#key}): an IPv4 address, or an IPv6 address's /64, since any IPv6
 * client holds a whole /64 and would otherwise hold the cap once per address it takes. One instance is shared by all
 * connections of one server (it owns the counts).
 *
 * <p>A source at its cap gets a new connection all the same when one of its connections has been waiting for a
 * request head for {@link #EVICTABLE_AFTER} or longer ({@link HeadWait}: idle between requests, or a head or a TLS
 * handshake still being sent): the one that has waited longest is closed and the new one takes its place. So a
 * source's places held by connections that send nothing, or trickle a head a byte at a time, go to that source's
 * next connection at once, not when the keep-alive timeout or the request-head deadline (30 s) closes them: a client
 * (or one host behind a site's NAT address) cannot lock its source's other clients out by holding the cap with
 * unfinished heads. A connection with a request in flight (a body being received, a download, an answer being
 * prepared) is never closed for it, nor one that has waited less (an honest client's handshake and head take a few
 * round trips); an HTTP/2 connection counts as waiting while it has no stream open. When no connection of the source
 * has waited that long, the new one is refused as before. The choice and the close are atomic with a head completing
 * (review26b L2): the connection chosen is claimed with a compare-and-set on its wait ({@link HeadWait#claim}), which a
 * head completing first makes fail (the next connection that has waited long enough is taken, or the new one is
 * refused), and a head completing after the claim does not begin its request ({@link ApiHandler} drops it).
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    /**
     * How long a connection must have waited for a request head before a new connection of its source at the cap may
     * take its place. An honest client's head follows its connect within the TLS handshake's round trips (two on
     * TLS 1.3, its head in the second); 2 s covers those on a 600 ms satellite link, and answers its idle kept-alive
     * connection a moment to be reused.
     */
    public static final Duration EVICTABLE_AFTER = Duration.ofSeconds(2);

    private final int maxPerAddress;
    private final AccessControl access;
    private final RefusalLog refusals = new RefusalLog(LOG);
    private final Runnable refused;
    private final Runnable evicted;
    private final RefusalLog evictions = new RefusalLog(LOG);
    private final LongSupplier clock;
    /** Each source's connections that hold a place (not those evicted); a list changes only inside {@code compute}. */
    private final ConcurrentMap<String, List<HeadWait>> open = new ConcurrentHashMap<>();

    /** Counts only; admits every address. */
    public ConnectionLimit(int maxPerAddress) {
        this(maxPerAddress, AccessControl.open());
    }

    /** @param access the core's access control (from {@code Authenticator.access()}): the defender's verdict */
    public ConnectionLimit(int maxPerAddress, AccessControl access) {
        this(maxPerAddress, access, () -> { });
    }

    /** @param refused counts one connection closed for the cap (not those the defender refuses: it counts them) */
    public ConnectionLimit(int maxPerAddress, AccessControl access, Runnable refused) {
        this(maxPerAddress, access, refused, () -> { });
    }

    /**
     * @param refused counts one connection closed for the cap (not those the defender refuses: it counts them)
     * @param evicted counts one connection closed, while waiting for a request head, for a new one of its source
     */
    public ConnectionLimit(int maxPerAddress, AccessControl access, Runnable refused, Runnable evicted) {
        this(maxPerAddress, access, refused, evicted, System::nanoTime);
    }

    /** With {@code clock} (nanoseconds, as {@link System#nanoTime}) the time waits count in: a test's own. */
    ConnectionLimit(int maxPerAddress, AccessControl access, Runnable refused, Runnable evicted, LongSupplier clock) {
        this.maxPerAddress = maxPerAddress;
        this.access = access;
        this.refused = refused;
        this.evicted = evicted;
        this.clock = clock;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!(ClientAddress.of(ctx.channel()) instanceof InetSocketAddress remote)) {
            ctx.fireChannelActive();
            return;
        }
        InetAddress address = remote.getAddress();
        if (!access.admits(address.getHostAddress(), "connect")) {
            LOG.debug("connection from {} refused by the defender", address.getHostAddress());
            ctx.close();
            return;
        }
        String source = SourceAddress.key(address);
        HeadWait connection = new HeadWait(ctx.channel(), clock);
        ctx.channel().attr(HeadWait.KEY).set(connection);
        Claimed[] victim = {null};
        boolean[] full = {false};
        open.compute(source, (key, places) -> {
            List<HeadWait> list = places == null ? new ArrayList<>() : places;
            // a connection closed on its own is dropped here if its close has not yet dropped it: its place is free,
            // not one to take (review27 #7)
            list.removeIf(place -> !place.channel.isOpen());
            if (list.size() >= maxPerAddress) {
                long now = clock.getAsLong();
                victim[0] = claimLongestWaiting(list, now,
                        candidate -> candidate.claim(now, EVICTABLE_AFTER.toNanos()));
                if (victim[0] == null) {
                    full[0] = true;
                    return places;
                }
                list.remove(victim[0].connection());
            }
            list.add(connection);
            return list;
        });
        if (full[0]) {
            refused.run();
            refusals.refused(source, since -> "connection from " + address.getHostAddress() + " refused: "
                    + maxPerAddress + " connections open from " + source + ", the limit is " + maxPerAddress
                    + ", none of them waiting for a request head for " + EVICTABLE_AFTER.toSeconds() + " s; "
                    + since + " (logged at most once a minute)");
            ctx.close();
            return;
        }
        ctx.channel().closeFuture().addListener(closed -> open.computeIfPresent(source, (key, places) -> {
            places.remove(connection);
            return places.isEmpty() ? null : places;
        }));
        if (victim[0] != null) {
            HeadWait gone = victim[0].connection();
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(victim[0].waitedWhenClaimed());
            evicted.run();
            evictions.refused(since -> "connection from " + ClientAddress.of(gone.channel) + " closed after waiting "
                    + waitedMillis + " ms for a request head: its source " + source + " held its limit of "
                    + maxPerAddress + " connections and a new one from " + address.getHostAddress() + " took its place; "
                    + since + " such since the last such line (logged at most once a minute)");
            gone.channel.close();
        }
        ctx.fireChannelActive();
    }

    /**
     * For a new connection at the listener's cap ({@code https.max-connections}, {@link ListenerPlaces}): claims the
     * connection, of any source, that has waited longest for a request head, if it has waited {@link #EVICTABLE_AFTER}
     * at least ({@link HeadWait#claim}: its request can no longer begin), takes it out of its source's count, offers it
     * to {@code handOver} (which gives its place in the listener's cap to the new connection, if it still holds one)
     * and closes it. So connections trickling heads from many sources (an IPv6 client's /48 holds 65536 /64s) cannot
     * fill the listener against everyone else either (as long as they are not renewed faster than the listener's
     * places every 2 s: docs/https.md). It counts as evicted, and is logged, only when {@code handOver} took its place
     * (review27 #7): one that gave its place back meanwhile (closing on its own) is neither, and the caller refuses the
     * new connection (counting it there), so no new connection counts both as evicted and as refused.
     *
     * @return whether a place was handed over; false if no connection has waited long enough, or {@code handOver}
     *         found its place given back
     */
    public boolean evictLongestWaiting(Predicate<Channel> handOver) {
        long now = clock.getAsLong();
        long evictableAfter = EVICTABLE_AFTER.toNanos();
        // only the connections that could be chosen, not every open one (a full listener holds 1000 by default, and a
        // connection flood brings one newcomer after another here): one passed over now cannot become one later, as
        // its wait by this now only shrinks (it turns busy, claimed, or waits afresh from a later time) and a closed
        // channel stays closed
        Map<HeadWait, String> sources = new HashMap<>();
        for (String source : open.keySet()) {
            open.computeIfPresent(source, (key, places) -> {
                for (HeadWait place : places) {
                    if (place.waited(now) >= evictableAfter && place.channel.isOpen()) {
                        sources.put(place, key);
                    }
                }
                return places;
            });
        }
        Claimed victim = claimLongestWaiting(sources.keySet(), now,
                candidate -> claimIn(sources.get(candidate), candidate, now));
        if (victim == null) {
            return false;
        }
        Channel gone = victim.connection().channel;
        boolean handedOver = handOver.test(gone);
        if (handedOver) {
            evicted.run();
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(victim.waitedWhenClaimed());
            evictions.refused(since -> "connection from " + ClientAddress.of(gone) + " closed after waiting "
                    + waitedMillis + " ms for a request head: the listener held its limit of connections and a new one"
                    + " took its place; " + since + " such since the last such line (logged at most once a minute)");
        }
        gone.close();
        return handedOver;
    }

    /**
     * Claims {@code candidate} ({@link HeadWait#claim}) and takes it out of {@code source}'s count, if that still
     * counts it (it has not closed, nor given its place to a new connection of its source, since it was read).
     *
     * @return how long it had waited, or -1 if it was not claimed
     */
    private long claimIn(String source, HeadWait candidate, long now) {
        long[] waited = {-1};
        open.computeIfPresent(source, (key, places) -> {
            if (places.contains(candidate)) {
                waited[0] = candidate.claim(now, EVICTABLE_AFTER.toNanos());
                if (waited[0] >= 0) {
                    places.remove(candidate);
                }
            }
            return places.isEmpty() ? null : places;
        });
        return waited[0];
    }

    /** A connection claimed to give its place up ({@link HeadWait#claim}) and how long it had waited. */
    private record Claimed(HeadWait connection, long waitedWhenClaimed) {
    }

    /**
     * Claims, of {@code candidates}, the connection that has waited longest for a request head, {@link
     * #EVICTABLE_AFTER} at least, by {@code claim} ({@link HeadWait#claim}, atomically with its head completing; it
     * answers how long the connection had waited, or -1 if it was not claimed); null if none has. One whose claim fails
     * (its head completed, or it closed, since it was read) is passed over for the next (review26b L2); the search
     * ends, as each candidate is tried once at most.
     */
    private static Claimed claimLongestWaiting(Collection<HeadWait> candidates, long now,
                                               ToLongFunction<HeadWait> claim) {
        List<HeadWait> left = new ArrayList<>(candidates);
        while (true) {
            HeadWait longest = longestWaiting(left, now);
            if (longest == null) {
                return null;
            }
            long waited = claim.applyAsLong(longest);
            if (waited >= 0) {
                return new Claimed(longest, waited);
            }
            left.remove(longest);
        }
    }

    /**
     * The connection of {@code places} that has waited longest for a request head, if it has waited {@link
     * #EVICTABLE_AFTER} at least; null if none has. One already closed is not waiting: it gives its places back
     * itself.
     */
    private static HeadWait longestWaiting(List<HeadWait> places, long now) {
        long evictableAfter = EVICTABLE_AFTER.toNanos();
        HeadWait longest = null;
        long longestWaited = -1;
        for (HeadWait place : places) {
            long waited = place.waited(now);
            if (waited >= evictableAfter && waited > longestWaited && place.channel.isOpen()) {
                longest = place;
                longestWaited = waited;
            }
        }
        return longest;
    }

    /**
     * Whether a new connection from {@code remote} would be admitted here on its own: the defender admits its address
     * (a refusal is counted, as here) and its source holds fewer connections than its cap. A new connection at the
     * listener's cap takes another's place only then (review26b M1): one that is refused closes nobody's, whatever
     * its address or how many connections it opens.
     */
    public boolean wouldAdmit(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        InetAddress address = inet.getAddress();
        return access.admits(address.getHostAddress(), "connect") && openFrom(address) < maxPerAddress;
    }

    /** Connections now open from the source of {@code address}: the address, or its /64 for IPv6. */
    public int openFrom(InetAddress address) {
        int[] count = {0};
        open.computeIfPresent(SourceAddress.key(address), (key, places) -> {
            count[0] = places.size();
            return places;
        });
        return count[0];
    }
}
