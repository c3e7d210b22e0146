package dev.bourne.kayak.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of Kayak's packages, checked on the compiled classes so that they stay true
 * as the code grows: the public API hides the implementation, the core is pure and owns its ports.
 */
class ArchitectureTest {
  private static final JavaClasses KAYAK = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.bourne.kayak");

  @Test
  void theApiImportsNoHostCoreStorageWireProtobufOrNetty() {
    noClasses().that().resideInAPackage("dev.bourne.kayak.api..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.kayak.host..", "dev.bourne.kayak.core..",
            "dev.bourne.kayak.storage..", "dev.bourne.kayak.wire..", "com.google.protobuf..", "io.netty..",
            "dev.bourne.net.transport..")
        .check(KAYAK);
  }

  @Test
  void theCoreIsPureAndOwnsItsPorts() {
    noClasses().that().resideInAPackage("dev.bourne.kayak.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.kayak.host..", "dev.bourne.kayak.storage..",
            "dev.bourne.kayak.wire..", "dev.bourne.net..", "com.google.protobuf..", "io.netty..", "org.mapdb..")
        .check(KAYAK);
  }

  @Test
  void coreAndHostReadNoClockAndStartNoThreadOfTheirOwn() {
    // Hosts is the one place that picks the production parts (system scheduler, secure seed).
    noClasses().that().resideInAnyPackage("dev.bourne.kayak.core..", "dev.bourne.kayak.host..")
        .and().doNotHaveSimpleName("Hosts")
        .should().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callConstructor(Thread.class, Runnable.class, String.class)
        .orShould().callConstructor(java.security.SecureRandom.class)
        .check(KAYAK);
  }

  @Test
  void formationAndAutopilotArePure() {
    noClasses().that().resideInAPackage("dev.bourne.kayak.groups.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.kayak.host..", "dev.bourne.kayak.storage..",
            "dev.bourne.kayak.wire..", "dev.bourne.kayak.groups.host..", "dev.bourne.convoy.host..", "dev.bourne.net..",
            "com.google.protobuf..", "io.netty..", "org.mapdb..")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .check(KAYAK);
  }

  @Test
  void kayakAloneNeedsNoConvoyAndGroupsSitOnTop() {
    noClasses().that().resideOutsideOfPackage("dev.bourne.kayak.groups..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.convoy..", "dev.bourne.kayak.groups..")
        .check(KAYAK);
  }

  @Test
  void storageDoesNotKnowTheHost() {
    noClasses().that().resideInAPackage("dev.bourne.kayak.storage..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.bourne.kayak.host..", "dev.bourne.net..")
        .check(KAYAK);
  }

  @Test
  void protobufIsMappedOnlyInTheWirePackage() {
    noClasses().that().resideOutsideOfPackage("dev.bourne.kayak.wire..")
        .should().dependOnClassesThat().resideInAPackage("com.google.protobuf..")
        .check(KAYAK);
  }
}
