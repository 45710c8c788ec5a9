package io.jnsq.operator.drain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Whether a broker is registered with every lookupd (each one's {@code /nodes} lists its broadcast address), checked
 * asynchronously: a restarted nsqd is back for consumers only once every lookupd knows it again.
 */
public class LookupdRegistration {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** True when every lookupd lists {@code broadcastAddress} among its nodes; false when one does not or cannot say. */
    public CompletableFuture<Boolean> everywhere(String broadcastAddress, List<String> lookupdHttps) {
        List<CompletableFuture<Boolean>> each = lookupdHttps.stream().map(l -> listed(l, broadcastAddress)).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().allMatch(CompletableFuture::join));
    }

    private CompletableFuture<Boolean> listed(String lookupd, String broadcastAddress) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + lookupd + "/nodes")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                    if (r.statusCode() != 200) {
                        return false;
                    }
                    try {
                        for (JsonNode p : JSON.readTree(r.body()).path("producers")) {
                            if (broadcastAddress.equals(p.path("broadcast_address").asText())) {
                                return true;
                            }
                        }
                        return false;
                    } catch (IOException e) {
                        return false;
                    }
                }).exceptionally(e -> false);
    }
}
