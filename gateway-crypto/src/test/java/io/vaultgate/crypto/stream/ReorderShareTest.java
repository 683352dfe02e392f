package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException.ReorderMemoryFull;
import io.vaultgate.crypto.CryptoException.ReorderMemoryFull.Bound;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Each tenant's share of the process's reorder memory (review33 L3): one tenant's writers, one byte
 * ahead of a gap in each segment, stop at the tenant's share and leave the rest to the others; what
 * a tenant took comes back, and its count goes, however its uploads end.
 */
class ReorderShareTest {
  private static final int S = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;

  @Test
  void aTenantPastItsShare_isRefusedNamingTheShare_andAnotherTenantStillWritesAhead()
      throws IOException {
    ReorderMemory memory = new ReorderMemory(8L * S, 2L * S);
    try (OutOfOrderEnvelopeWriter globex = writer(memory, "globex", "f_1");
        OutOfOrderEnvelopeWriter globex2 = writer(memory, "globex", "f_2");
        OutOfOrderEnvelopeWriter acme = writer(memory, "acme", "f_3")) {
      globex.write(S, ByteBuffer.wrap(new byte[] {1}));
      globex2.write(S, ByteBuffer.wrap(new byte[] {1}));
      assertThatThrownBy(() -> globex2.write(2L * S, ByteBuffer.wrap(new byte[] {1})))
          .isInstanceOfSatisfying(ReorderMemoryFull.class,
              e -> assertThat(e.bound()).isEqualTo(Bound.TENANT))
          .hasMessageContaining("this tenant's share (" + 2L * S + " bytes)");
      assertThat(memory.heldBy("globex")).isEqualTo(2L * S);

      acme.write(S, ByteBuffer.allocate(S));
      acme.write(2L * S, ByteBuffer.allocate(10));
      assertThat(memory.heldBy("acme")).isEqualTo(2L * S);
      assertThat(memory.held()).isEqualTo(4L * S);
    }
    assertThat(memory.held()).isZero();
    assertThat(memory.tenantsHolding()).as("no count left behind").isZero();
  }

  @Test
  void theProcessBoundStillHolds_andARefusedTenantKeepsNoCount() throws IOException {
    ReorderMemory memory = new ReorderMemory(4L * S, 2L * S);
    try (OutOfOrderEnvelopeWriter a = writer(memory, "a", "f_1");
        OutOfOrderEnvelopeWriter b = writer(memory, "b", "f_2");
        OutOfOrderEnvelopeWriter c = writer(memory, "c", "f_3")) {
      a.write(S, ByteBuffer.allocate(2 * S));
      b.write(S, ByteBuffer.allocate(2 * S));
      assertThatThrownBy(() -> c.write(S, ByteBuffer.allocate(1)))
          .isInstanceOfSatisfying(ReorderMemoryFull.class,
              e -> assertThat(e.bound()).isEqualTo(Bound.PROCESS))
          .hasMessageContaining(4L * S + " bytes this process");
      assertThat(memory.heldBy("c")).isZero();
      assertThat(memory.tenantsHolding()).isEqualTo(2);
    }
    assertThat(memory.tenantsHolding()).isZero();
  }

  @Test
  void aWriteNeedingMoreThanTheShareHasLeft_takesNothing() throws IOException {
    ReorderMemory memory = new ReorderMemory(8L * S, 2L * S);
    try (OutOfOrderEnvelopeWriter w = writer(memory, "globex", "f_1")) {
      w.write(S, ByteBuffer.allocate(1));
      assertThatThrownBy(() -> w.write(2L * S, ByteBuffer.allocate(2 * S)))
          .isInstanceOf(ReorderMemoryFull.class);
      assertThat(memory.heldBy("globex")).isEqualTo(S);
      assertThat(memory.held()).isEqualTo(S);
      w.write(2L * S, ByteBuffer.allocate(S)); // the one segment left still fits
      assertThat(memory.heldBy("globex")).isEqualTo(2L * S);
    }
  }

  @Test
  void aTenantsCountComesBack_whenItsUploadsFinishAreSuspendedOrFail() throws IOException {
    ReorderMemory memory = new ReorderMemory(16L * S, 8L * S);
    OutOfOrderEnvelopeWriter finished = writer(memory, "globex", "f_1");
    finished.write(S, ByteBuffer.allocate(S));
    finished.write(0, ByteBuffer.allocate(S));
    assertThat(finished.finish()).isEqualTo(2L * S);

    OutOfOrderEnvelopeWriter suspended = writer(memory, "globex", "f_2");
    suspended.write(3L * S, ByteBuffer.allocate(10));
    suspended.suspend();

    MemoryChannel file = new MemoryChannel();
    OutOfOrderEnvelopeWriter failed = OutOfOrderEnvelopeWriter.create(DataKey.generate(),
        new EnvelopeContext("globex", "f_3"), file, 8, null, memory.share("globex"));
    failed.write(S, ByteBuffer.allocate(S));
    failed.write(3L * S, ByteBuffer.allocate(S));
    file.close();
    assertThatThrownBy(() -> failed.write(0, ByteBuffer.allocate(S)))
        .as("sealing segment 0 fails").isInstanceOf(IOException.class);
    assertThat(memory.heldBy("globex")).as("a failed writer holds segment 3 until it is closed")
        .isGreaterThanOrEqualTo(S);
    failed.close();

    assertThat(memory.heldBy("globex")).isZero();
    assertThat(memory.held()).isZero();
    assertThat(memory.tenantsHolding()).isZero();
  }

  @Test
  void manyWritersOfTwoTenantsAtOnce_neverPassTheirShares_andLeaveNothingHeld() throws Exception {
    ReorderMemory memory = new ReorderMemory(64L * S, 16L * S);
    AtomicLong most = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String tenant = t % 2 == 0 ? "acme" : "globex";
        int id = t;
        done.add(pool.submit(() -> {
          for (int round = 0; round < 20; round++) {
            try (OutOfOrderEnvelopeWriter w = writer(memory, tenant, "f_" + id + "_" + round)) {
              for (int k = 1; k < 8; k++) {
                try {
                  w.write((long) k * S, ByteBuffer.wrap(new byte[] {1}));
                } catch (ReorderMemoryFull refused) {
                  assertThat(refused.bound()).isEqualTo(Bound.TENANT);
                }
                most.accumulateAndGet(memory.heldBy(tenant), Math::max);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(most.get()).isLessThanOrEqualTo(16L * S).isPositive();
    assertThat(memory.held()).isZero();
    assertThat(memory.tenantsHolding()).isZero();
  }

  @Test
  void aShareAboveTheLimit_isRefused() {
    assertThatThrownBy(() -> new ReorderMemory(4L * S, 5L * S))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to " + 4L * S);
  }

  private static OutOfOrderEnvelopeWriter writer(ReorderMemory memory, String tenant, String file)
      throws IOException {
    return OutOfOrderEnvelopeWriter.create(DataKey.generate(), new EnvelopeContext(tenant, file),
        new MemoryChannel(), 8, null, memory.share(tenant));
  }
}
