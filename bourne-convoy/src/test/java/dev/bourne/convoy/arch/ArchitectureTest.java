package dev.bourne.convoy.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of Convoy's packages, checked on the compiled classes so that they stay true
 * as the code grows: the public API hides the implementation, the core is pure and owns its ports.
 */
class ArchitectureTest {
  private static final JavaClasses CONVOY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.bourne.convoy");

  @Test
  void theApiImportsNoHostCoreStorageWireProtobufOrNetty() {
    noClasses().that().resideInAPackage("dev.bourne.convoy.api..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.convoy.host..", "dev.bourne.convoy.core..",
            "dev.bourne.convoy.storage..", "dev.bourne.convoy.wire..", "com.google.protobuf..", "io.netty..",
            "dev.bourne.net.transport..")
        .check(CONVOY);
  }

  @Test
  void theCoreIsPureAndOwnsItsPorts() {
    noClasses().that().resideInAPackage("dev.bourne.convoy.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.convoy.host..", "dev.bourne.convoy.storage..",
            "dev.bourne.convoy.wire..", "dev.bourne.net..", "com.google.protobuf..", "io.netty..", "org.mapdb..")
        .check(CONVOY);
  }

  @Test
  void coreAndHostReadNoClockAndStartNoThreadOfTheirOwn() {
    noClasses().that().resideInAnyPackage("dev.bourne.convoy.core..", "dev.bourne.convoy.host..")
        .should().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callConstructor(Thread.class, Runnable.class, String.class)
        .orShould().callConstructor(java.security.SecureRandom.class)
        .check(CONVOY);
  }

  @Test
  void storageKnowsNoNetwork() {
    // It implements the host's storage port (host.DurableState), so unlike Kayak's it sees host.
    noClasses().that().resideInAPackage("dev.bourne.convoy.storage..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.net..", "io.netty..", "dev.bourne.convoy.wire..")
        .check(CONVOY);
  }

  @Test
  void protobufIsMappedOnlyInTheWirePackage() {
    noClasses().that().resideOutsideOfPackage("dev.bourne.convoy.wire..")
        .should().dependOnClassesThat().resideInAPackage("com.google.protobuf..")
        .check(CONVOY);
  }
}
