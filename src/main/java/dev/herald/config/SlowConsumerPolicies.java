package dev.herald.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The slow-consumer policy per room: the first rule whose pattern matches the room name wins, else the default.
 * Patterns are room names where {@code *} stands for any run of characters, e.g. {@code prices-*=conflate}.
 */
public record SlowConsumerPolicies(SlowConsumerPolicy defaultPolicy, List<Rule> rules) {

    /** One {@code pattern=policy} entry. */
    public record Rule(String pattern, SlowConsumerPolicy policy) {

        boolean matches(String room) {
            String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
            return room.matches(regex);
        }
    }

    public SlowConsumerPolicies {
        rules = List.copyOf(rules);
    }

    /** The policy for {@code room}; {@code null} (the classic endpoint) always gets the default. */
    public SlowConsumerPolicy forRoom(String room) {
        if (room != null) {
            for (Rule rule : rules) {
                if (rule.matches(room)) {
                    return rule.policy();
                }
            }
        }
        return defaultPolicy;
    }

    /** Parses {@code pattern=policy, pattern=policy}. */
    static SlowConsumerPolicies parse(String defaultPolicy, List<String> entries, String property) {
        List<Rule> rules = new ArrayList<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                throw new IllegalArgumentException(property + " entries look like room-pattern=policy, but one was '"
                        + entry + "'");
            }
            try {
                rules.add(new Rule(entry.substring(0, equals).trim(),
                        SlowConsumerPolicy.fromWireName(entry.substring(equals + 1).trim())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
            }
        }
        try {
            return new SlowConsumerPolicies(SlowConsumerPolicy.fromWireName(defaultPolicy), rules);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Setting.SLOW_CONSUMER_POLICY.property() + ": " + e.getMessage(), e);
        }
    }
}
