package dev.herald.endpoint;

import dev.herald.api.ApiKey;
import dev.herald.api.ApiServlet;
import dev.herald.api.OperationsServlet;
import dev.herald.config.HeraldSettings;
import dev.herald.config.SettingsLoader;
import dev.herald.hub.Hub;
import dev.herald.hub.ServerControl;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the hub when the WAR is deployed (and registers {@code /metrics} and {@code /health/*}, unless the setting
 * {@code metrics} is off, and {@code /api} when an API key is configured), and closes it (and its thread) when the
 * WAR is undeployed.
 * Settings come from system properties, then the environment, then {@code web.xml} context parameters.
 */
@WebListener
public class HeraldWebListener implements ServletContextListener {

    private Hub hub;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        HeraldSettings settings = SettingsLoader.load(Map.of(), SettingsLoader.systemProperties(), System.getenv(),
                context::getInitParameter);
        // Read before the hub starts: a key that is unusable fails the deployment with nothing left running.
        Optional<ApiKey> apiKey = ApiKey.configured(settings, System.getenv(ApiKey.VARIABLE));
        hub = Hub.start(settings, settings.writerThreads());
        RunningHub.installInContainer(hub, settings.rawFrames());
        if (settings.metrics()) {
            context.addServlet("herald-operations", OperationsServlet.class).addMapping(OperationsServlet.MAPPINGS);
        }
        apiKey.ifPresent(key ->
                context.addServlet("herald-api", new ApiServlet(key)).addMapping(ApiServlet.MAPPING));
        // For an application deployed beside Herald in this WAR: the server API (ServerControl's Javadoc).
        context.setAttribute(ServerControl.ATTRIBUTE, hub.control());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        hub.close(); // drains first: the hub must still be reachable by the endpoints meanwhile
        RunningHub.uninstall(hub);
    }
}
