module com.example.consumer {
    requires dev.bridgekeeper.agent;
    requires dev.bridgekeeper.testing;

    // The agent calls the app's channel reflectively, and Jackson binds its records.
    opens com.example.consumer to dev.bridgekeeper.agent, com.fasterxml.jackson.databind;
}
