package dev.bookmarks.deployment.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The walker the rendered-overlay tests rely on finds a misspelt or misplaced field at any depth. */
class UnknownFieldsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: x
            spec:
              selector:
                matchLabels: {app: x}
              template:
                metadata:
                  labels: {app: x}
                spec:
                  containers:
                    - name: x
                      image: x:1
                      securityContext:
                        readOnlyRootFilesystem: true
                        %s
                      resources:
                        limits: {memory: 1Gi}
            """;

    @Test
    void aWellFormedDeploymentHasNoUnknownField() {
        HasMetadata deployment = Kustomize.parse(DEPLOYMENT.formatted("")).objects().get(0);

        assertThat(deployment).isInstanceOf(Deployment.class);
        assertThat(UnknownFields.of(deployment)).isEmpty();
    }

    @Test
    void aMisspeltFieldDeepInsideAPodTemplateIsFoundByItsPath() {
        HasMetadata deployment = Kustomize.parse(DEPLOYMENT.formatted("runAsNonRot: true")).objects().get(0);

        assertThat(UnknownFields.of(deployment))
                .containsExactly(".spec.template.spec.containers[0].securityContext.runAsNonRot");
    }

    @Test
    void aFieldAtTheWrongLevelIsFound() {
        HasMetadata deployment = Kustomize.parse(DEPLOYMENT.formatted("").replace("  selector:", "  replicaz: 3\n  selector:"))
                .objects().get(0);

        assertThat(UnknownFields.of(deployment)).containsExactly(".spec.replicaz");
    }
}
