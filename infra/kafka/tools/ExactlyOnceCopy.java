// The processor's exactly-once loop with Kafka's own Java client and nothing else: read committed
// records from a fixed group of partitions, write them to another topic and commit their offsets in
// the same transaction, one transaction per poll, until the partitions' ends as of the start.
// Kafka's TransactionalMessageCopier does the same, but sets batch.size=512 for its system tests and
// takes no producer settings; this one keeps the producer's defaults, as a production copier would.
//
// Run from source (Java 11+ with a JDK), with Kafka's tools on the classpath:
//   java -cp '.stack/kafka-tools/libs/*' infra/kafka/tools/ExactlyOnceCopy.java \
//     BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC PARTITIONS(0,3) TRANSACTIONAL_ID GROUP_ID RECORDS_PER_PARTITION
// It prints one JSON line: {"transactionalId", "startedAt", "endedAt" (ms since the epoch, after
// initTransactions and until the last commit), "copied", "transactions"}.
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class ExactlyOnceCopy {
  public static void main(String[] args) {
    if (args.length != 7) {
      System.err.println("usage: BOOTSTRAP INPUT_TOPIC OUTPUT_TOPIC PARTITIONS TRANSACTIONAL_ID GROUP_ID RECORDS_PER_PARTITION");
      System.exit(2);
    }
    String bootstrap = args[0];
    String input = args[1];
    String output = args[2];
    List<TopicPartition> partitions =
        Arrays.stream(args[3].split(",")).map(p -> new TopicPartition(input, Integer.parseInt(p.trim()))).toList();
    String transactionalId = args[4];
    String groupId = args[5];
    int perPartition = Integer.parseInt(args[6]);

    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A chunk of each partition of the group per transaction, as the processor's.
    consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(perPartition * partitions.size()));
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);

    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      producer.initTransactions();
      long startedAt = System.currentTimeMillis();
      long copied = 0;
      long transactions = 0;
      while (!reachedEnds(consumer, ends)) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) continue;
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> chunk = records.records(partition);
          for (ConsumerRecord<byte[], byte[]> record : chunk) {
            producer.send(new ProducerRecord<>(output, record.key(), record.value()));
          }
          offsets.put(partition, new OffsetAndMetadata(chunk.get(chunk.size() - 1).offset() + 1));
          copied += chunk.size();
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
        transactions++;
      }
      long endedAt = System.currentTimeMillis();
      System.out.printf(
          "{\"transactionalId\":\"%s\",\"startedAt\":%d,\"endedAt\":%d,\"copied\":%d,\"transactions\":%d}%n",
          transactionalId, startedAt, endedAt, copied, transactions);
    }
  }

  private static boolean reachedEnds(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
  }
}
