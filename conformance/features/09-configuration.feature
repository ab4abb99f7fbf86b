Feature: 9. Configuration
  The kit writes the turret config; this section checks that the turret reads it as the spec says.

  @clause-9.1 @must
  Scenario: the legacy spelling cannons is accepted
    Spec 9.1 (MUST): "A turret config MUST be valid against `turret-config.schema.json`, which accepts `cannons` for `canons`."
    Given a turret with 2 canons, a rampup of 0 seconds and the "slow" fixture
    And the turret config spells canons as the legacy "cannons"
    When the turret is launched
    And the turret is ready
    Then verify the turret reports 2 canons
    When the HQ broadcasts "start"
    And the turret fires for 2 seconds
    Then verify the observed concurrency is 2
