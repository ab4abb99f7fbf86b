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

  @clause-7.6 @should
  Scenario: a transaction past transaction_timeout is reported as timed out and the canon goes on
    Spec 7.6 (SHOULD): "A turret SHOULD abandon a transaction still running `transaction_timeout` seconds after it began (turret config, default 60, 0 for none): the turret sends its result with an `error` that names the timeout and its value, e.g. `transaction timed out after 60 s (transaction_timeout)`, the canon goes on with its next transaction, and nothing the abandoned transaction does later produces a result (6.5)."
    Given the turret config sets transaction_timeout to 0.3 seconds
    And a running turret with 1 canon and the "slow" fixture
    When the turret fires for 2 seconds
    Then verify every result has an error containing "transaction_timeout"
    And verify every result has an error containing "0.3"
    And verify at least 3 results arrived
