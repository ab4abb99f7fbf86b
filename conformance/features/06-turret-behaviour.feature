Feature: 6. Turret behaviour
  Concurrency and ramp-up are observed with the "slow" fixture (each transaction takes 1 second):
  the kit rebuilds each transaction's time span from the result's arrival and its scriptrun_time.

  @clause-6.1 @must
  Scenario: a status is sent soon after the turret starts
    Spec 6.1 (MUST): "A turret MUST send a status message within 5 seconds of starting, and one each time it becomes ready."
    Given a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify a status arrives within 5 seconds of the launch

  @clause-6.2 @clause-6.2.1 @should
  Scenario: the ready status repeats while ready
    Spec 6.2 (SHOULD): "While ready, a turret SHOULD repeat its `ready` status about every 2 seconds, so an HQ that starts later learns of it."
    Spec 6.2.1 (SHOULD): "While ready, a turret SHOULD let no more than 3.5 seconds pass between two consecutive statuses (the 2 seconds of 6.2, with a margin for a loaded machine)."
    Given a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the "ready" status repeats about every 2 seconds for 5 seconds

  @clause-6.3 @must
  Scenario: canons run concurrently
    Spec 6.3 (MUST): "A running turret MUST run `canons` canons concurrently."
    Given a running turret with 3 canons and the "slow" fixture
    When the turret fires for 2.5 seconds
    Then verify the observed concurrency is 3

  @clause-6.4 @clause-6.4.1 @should
  Scenario: canon starts are spread over the rampup
    Spec 6.4 (SHOULD): "A turret SHOULD spread its canons' starts evenly over `rampup` seconds."
    Spec 6.4.1 (SHOULD): "With N `canons`, canon i (counted from 0) SHOULD start its first transaction i x `rampup` / N seconds after the `start`: the first at once, the last at `rampup` x (N-1) / N, and all at once when `rampup` is 0."
    Given a turret with 4 canons, a rampup of 2 seconds and the "slow" fixture
    When the turret is launched
    And the turret is ready
    And the HQ broadcasts "start"
    And the turret fires for 4 seconds
    Then verify the first transactions of the 4 canons start spread over the 2 second rampup

  @clause-6.4 @clause-6.4.1 @should
  Scenario: with no rampup all canons start at once
    Spec 6.4 (SHOULD): "A turret SHOULD spread its canons' starts evenly over `rampup` seconds."
    Spec 6.4.1 (SHOULD): "With N `canons`, canon i (counted from 0) SHOULD start its first transaction i x `rampup` / N seconds after the `start`: the first at once, the last at `rampup` x (N-1) / N, and all at once when `rampup` is 0."
    Given a turret with 4 canons, a rampup of 0 seconds and the "slow" fixture
    When the turret is launched
    And the turret is ready
    And the HQ broadcasts "start"
    And the turret fires for 2.5 seconds
    Then verify the first transactions of the 4 canons start within 0.5 seconds of each other

  @clause-6.5 @must
  Scenario: each completed transaction produces exactly one result
    Spec 6.5 (MUST): "Each completed transaction MUST produce exactly one result."
    Given a running turret with 2 canons and the "slow" fixture
    When the turret fires for 3 seconds
    Then verify each transaction produced exactly one result
