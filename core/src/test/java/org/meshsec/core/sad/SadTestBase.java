package org.meshsec.core.sad;

import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.meshsec.core.sad.Fixtures.ManualClock;
import org.meshsec.core.sad.Fixtures.Recorder;
import org.meshsec.core.stats.XfrmStat;

/** A SAD wired to fakes: manual clock, seeded SPIs, fake transforms, recording drains/listener. */
abstract class SadTestBase {
  static {
    // The root pom's surefire <systemPropertyValues> is not a surefire parameter, so the PARANOID
    // level it intends does not reach the forked JVM; set it here for the SAD tests.
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  ManualClock clock;
  Recorder rec;
  FakeTransform.Factory transforms;
  Sad sad;

  @BeforeEach
  void setUpSad() {
    sad = newSad(Sad.DEFAULT_LARVAL_QUEUE_LIMIT, Sad.DEFAULT_ACQUIRE_TIMEOUT);
  }

  Sad newSad(int queueLimit, Duration acquireTimeout) {
    clock = new ManualClock();
    rec = new Recorder();
    transforms = new FakeTransform.Factory();
    Sad s =
        Sad.builder()
            .clock(clock)
            .random(new Random(42))
            .transforms(transforms)
            .inboundDrain(rec)
            .outboundDrain(rec)
            .larvalQueueLimit(queueLimit)
            .acquireTimeout(acquireTimeout)
            .build();
    s.setListener(rec);
    return s;
  }

  long stat(XfrmStat s) {
    return sad.stats().get(s);
  }
}
