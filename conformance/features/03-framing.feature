Feature: 3. Framing
  Commands are one frame "<topic> <json>"; the topic is empty for a broadcast and the turret's
  uuid for a direct order. Every turret subscribes to "", so it sees direct orders for others too.

  @clause-3.1 @must
  Scenario: the turret acts on broadcast frames
    Spec 3.1 (MUST): "An HQ -> turret frame MUST be one UTF-8 frame `"<topic> <json>"`: the topic is empty for a broadcast (the frame then starts with one space) or the uuid of the addressed turret, and the JSON is an object `{"command": <name>, "msg": <any>}`."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
    And verify a status_request is answered within 1 second with status "running"

  @clause-3.1.1 @clause-3.4 @must
  Scenario: the turret acts on direct orders with its own uuid
    Spec 3.1.1 (MUST): "A turret MUST act on a command whose topic is empty or equal to its own uuid."
    Spec 3.4 (MUST): "A turret's `uuid`, the topic of its direct orders, MUST contain no white space and none of the characters `"`, `{`, `}`, `[` and `]`."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ sends "start" to the turret
    Then verify results arrive within 5 seconds
    When the HQ sends "status_request" to the turret
    Then verify a "running" status arrives within 1 second

  @clause-3.1.2 @must
  Scenario: the turret ignores a direct order for another turret
    Spec 3.1.2 (MUST): "A turret MUST ignore a command whose topic is another turret's uuid."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ sends "start" to another turret
    Then verify the turret survived a direct order, as it must to act on its own (spec 3.1.1)
    And verify no result arrives within 2 seconds
    And verify a status_request is answered within 1 second with status "ready"

  @clause-3.2 @must
  Scenario: every frame from the turret is one JSON object
    Spec 3.2 (MUST): "A turret -> HQ frame MUST be one frame holding one UTF-8 JSON object (a status, a result, or a result batch), unless 3.3 applies."
    Given a running turret with 2 canons and the "succeed_with_timer" fixture
    When the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify every frame is one UTF-8 JSON object

  @clause-3.3 @clause-8.5 @ext-protobuf
  Scenario: protobuf result batches decode and hold valid results
    Spec 3.3 (MUST): "[ext-protobuf] A protobuf frame MUST be the tag byte `0x01` followed by a serialized `oct.v1.ResultBatch` (spec/oct.proto). The tag can never start a JSON text, so receivers tell the two apart by the first byte."
    Spec 8.5 (MUST): "[ext-protobuf] A protobuf result batch (3.3) MUST hold the same data as the JSON `result-batch` message it stands for."
    Given the HQ advertises the capabilities "batch, protobuf"
    And a ready turret with 2 canons and the "succeed_with_timer" fixture
    And the turret advertised "batch, protobuf"
    When the HQ broadcasts "start"
    And the turret fires for 1.5 seconds
    Then verify every frame is JSON or a tagged protobuf batch that decodes
    And verify every result is valid
