Feature: 9. Configuration
  The kit writes the turret config; this section checks that the turret reads it as the spec says.

  @clause-9.1 @must
  Scenario: the turret reads its config, with canons spelled the legacy "cannons"
    Spec 9.1 (MUST): "A turret config MUST be valid against `turret-config.schema.json`, which accepts `cannons` for `canons`."
    Given a turret with 3 canons, a rampup of 1 second and the "slow" fixture
    And the turret config names the turret "conformance-nine-one"
    And the turret config spells canons as the legacy "cannons"
    When the turret is launched
    And the turret is ready
    Then verify the turret's status reports the name, canons, rampup and script of its config
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds

  @clause-9.1 @must
  Scenario: the turret reads its config, with canons spelled "canons"
    Spec 9.1 (MUST): "A turret config MUST be valid against `turret-config.schema.json`, which accepts `cannons` for `canons`."
    Given a turret with 2 canons, a rampup of 2 seconds and the "succeed_with_timer" fixture
    And the turret config names the turret "conformance-nine-one-b"
    When the turret is launched
    And the turret is ready
    Then verify the turret's status reports the name, canons, rampup and script of its config
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
