Feature: 12. Legacy HQs
  The kit plays the HQ of OCT 0.4: it never advertises (its status_request has msg null), it
  broadcasts set_transaction_context {} then start, and it sends a turret first heard from during
  its run its start once, as a direct order in answer to its first status. That HQ makes a table row
  of every status and result, and dies of a key it has no column for: every frame the turret sends
  is checked against those columns.

  @clause-12.1 @clause-12.2 @clause-12.4 @should
  Scenario: under an HQ that never advertises, every status and result has exactly the keys OCT 0.4 stores
    Spec 12.1 (SHOULD): "Until an HQ has advertised protocol 1.x to it, a turret SHOULD send every status with exactly the keys `turret`, `uuid`, `cannons`, `script`, `rampup` and `status`, the count spelt `cannons`."
    Spec 12.2 (SHOULD): "Until an HQ has advertised protocol 1.x to it, a turret SHOULD send every result as a single JSON object with exactly the keys `error`, `scriptrun_time`, `elapsed`, `epoch`, `custom_timers` and `turret_name`."
    Spec 12.4 (SHOULD): "Until an HQ has advertised protocol 1.x to it, a turret SHOULD send no `initialized` status except in answer to a command, or when its set-up lasts so long that 6.1 requires one, so that its first status is `ready`."
    Given the HQ is OCT 0.4's, which never advertises
    And a turret with 2 canons, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    And the turret is ready
    And the HQ starts the turret as OCT 0.4's HQ does
    Then verify results arrive within 5 seconds
    When the turret fires for 1 second
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify every frame has exactly the keys OCT 0.4's HQ stores
    And verify the first status says "ready"

  @clause-12.3 @should
  Scenario: a start received while the turret initializes is obeyed once it is ready
    Spec 12.3 (SHOULD): "A turret that receives `start` while it is initializing SHOULD obey it as soon as it is ready, unless a `stop` or a `kill` comes after it."
    Given the HQ is OCT 0.4's, which never advertises
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    And the HQ broadcasts "start" until the turret's first status arrives
    Then verify results arrive within 5 seconds

  @clause-12.6 @should
  Scenario: a turret that joins during the run obeys the start sent once, in answer to its first status
    Spec 12.6 (SHOULD): "A turret SHOULD send its first status only once its SUB socket is connected to the HQ, or after 2 seconds without a connection, so that the `start` an OCT 0.4 HQ sends once, as a direct order in answer to a late turret's first status, is not lost."
    Given the HQ is OCT 0.4's, which never advertises
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    And the HQ sends the turret its start as a direct order once its first status arrives
    Then verify results arrive within 5 seconds

  @clause-12.5 @ext-accounting
  Scenario: a turret that hears an advertisement while it fires counts seq and results_sent from then
    Spec 12.5 (MUST): "[ext-accounting] A turret that starts to speak protocol 1.x while its canons fire for a `start`, having sent results without `uuid` since that `start` (12.2), MUST number `seq` from 0 at that moment and count in `results_sent` only the results sent since then, since an HQ counts a turret's results by their `uuid`."
    Given the HQ is OCT 0.4's, which never advertises
    And a turret with 2 canons, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    And the turret is ready
    And the HQ starts the turret as OCT 0.4's HQ does
    Then verify results arrive within 5 seconds
    When the turret fires for 1 second
    And the HQ advertises protocol 1.0 with the capabilities "accounting"
    And the turret fires for 1 second
    And the turret advertised "accounting"
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify seq and results_sent count the results sent with a uuid, from the advertisement on
