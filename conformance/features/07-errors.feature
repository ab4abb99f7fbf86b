Feature: 7. Errors
  A failing transaction is data, not a crash; a turret that cannot go on says so and exits.

  @clause-7.1 @must
  Scenario: a throwing transaction is reported and the canon keeps firing
    Spec 7.1 (MUST): "A transaction that throws MUST be reported in that result's `error` (non-empty), and the canon MUST keep firing."
    Given a running turret with 1 canon and the "fail_with_message" fixture
    When the turret fires for 1 second
    Then verify every result has an error containing "fixture failure"
    And verify at least 3 results arrived

  @clause-7.2 @must
  Scenario: a script that cannot load aborts the turret
    Spec 7.2 (MUST): "A turret that cannot go on (e.g. its script fails to load) MUST send an `aborted` status, with `reason` when it can, and exit with a non-zero code."
    Given a turret with 1 canon, a rampup of 0 seconds and the "fail_to_load" fixture
    When the turret is launched
    And the HQ starts the turret if it reports ready
    Then verify an "aborted" status arrives within 10 seconds of the launch
    And verify the process exits with a non-zero code within 10 seconds of the launch
